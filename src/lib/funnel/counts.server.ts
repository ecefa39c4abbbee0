/**
 * The coach's funnel, counted from our own tables for a period: article views (the beacon's daily
 * rollup), cheat-sheet captures and confirmations (leads), new members (users, credited to the
 * article of the lead they came through) and new paying members (their first subscription).
 *
 * Closed days come from `funnel_daily`, a rollup of the source tables per day and article; today
 * is counted live. The rollup catches up on the first request after midnight (UTC), and recounts
 * the last seven closed days at most once an hour, so a confirmation or a member linked to their
 * lead a few days late is still credited. Older days stay as counted. A year of traffic then
 * answers from a few thousand rollup rows instead of grouping every lead.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { appSettings, articleViews, campaignViews, funnelDaily } from '../../../db/schema';
import { campaignKind } from '../marketing/campaigns';
import {
  EMPTY_COUNTS,
  periodDays,
  utcDay,
  type DirectCounts,
  type FunnelCounts,
  type FunnelStage,
  type Period,
} from './rules';

/** The key under which counts with no article are kept (captures from the home page and their members). */
export const NO_ARTICLE = '';
/**
 * The key under which members and paying members with no lead at all are kept: they signed up
 * directly, so they are shown beside the funnel rather than as a stage after confirmed leads.
 */
export const DIRECT = '~direct';

export interface ArticleFunnel extends FunnelCounts {
  article: string;
}

export interface DailyFunnel {
  day: string;
  views: number;
  captures: number;
  members: number;
}

export interface FunnelReport {
  /** The funnel proper: views, then leads, then the members and paying members who came through a lead. */
  totals: FunnelCounts;
  /** New members and paying members who did not come through a lead. */
  direct: DirectCounts;
  byArticle: ArticleFunnel[];
  daily: DailyFunnel[];
}

type Row = Record<string, unknown>;
type RolledStage = Exclude<FunnelStage, 'views'>;
const ROLLED: RolledStage[] = ['captures', 'confirmed', 'members', 'paying'];

const DAY_MS = 86_400_000;
const RECOUNT_DAYS = 7;
const RECOUNT_EVERY_MS = 3_600_000;
const ROLLUP_KEY = 'funnel.rollup';
/**
 * The rollup's layout. Version 2 keeps members with no lead under DIRECT; a rollup saved without
 * it (or an older one) is recounted from the first day, once.
 */
const ROLLUP_VERSION = 2;

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);
const addDays = (day: string, days: number) => utcDay(new Date(dayStart(day) + days * DAY_MS));

async function rows(db: Database, query: ReturnType<typeof sql>): Promise<Row[]> {
  return (await db.all(query)) as Row[];
}

/**
 * The source-table queries of each stage between two instants, by day and article. The rollup is
 * filled from them, and today is counted with them.
 */
export function stageQueries(from: number, to: number) {
  const day = (column: string) => sql.raw(`strftime('%Y-%m-%d', ${column} / 1000, 'unixepoch')`);
  const leadArticle = sql.raw(`CASE WHEN l.id IS NULL THEN '${DIRECT}' ELSE l.source_article END`);
  return {
    captures: sql`SELECT ${day('created_at')} AS day, source_article AS article, COUNT(*) AS n FROM leads
                  WHERE created_at >= ${from} AND created_at < ${to} GROUP BY 1, 2`,
    confirmed: sql`SELECT ${day('confirmed_at')} AS day, source_article AS article, COUNT(*) AS n FROM leads
                   WHERE confirmed_at >= ${from} AND confirmed_at < ${to} GROUP BY 1, 2`,
    members: sql`SELECT ${day('u.created_at')} AS day, ${leadArticle} AS article, COUNT(*) AS n FROM users u
                 LEFT JOIN leads l ON l.user_id = u.id
                 WHERE u.created_at >= ${from} AND u.created_at < ${to} GROUP BY 1, 2`,
    paying: sql`SELECT ${day('s.first')} AS day, ${leadArticle} AS article, COUNT(*) AS n
                FROM (SELECT user_id, MIN(created_at) AS first FROM subscriptions
                      WHERE status NOT IN ('incomplete', 'incomplete_expired') GROUP BY user_id) s
                LEFT JOIN leads l ON l.user_id = s.user_id
                WHERE s.first >= ${from} AND s.first < ${to} GROUP BY 1, 2`,
  } satisfies Record<RolledStage, unknown>;
}

/** Counts per (day, article) of every stage between two instants, from the source tables. */
async function countStages(db: Database, from: number, to: number): Promise<Map<string, ArticleDay>> {
  const queries = stageQueries(from, to);
  const results = await Promise.all(ROLLED.map((stage) => rows(db, queries[stage])));
  const cells = new Map<string, ArticleDay>();
  ROLLED.forEach((stage, index) => {
    for (const row of results[index]!) {
      const day = String(row['day']);
      const article = String(row['article'] ?? NO_ARTICLE);
      const key = `${day}|${article}`;
      const cell = cells.get(key) ?? { day, article, captures: 0, confirmed: 0, members: 0, paying: 0 };
      cell[stage] += Number(row['n'] ?? 0);
      cells.set(key, cell);
    }
  });
  return cells;
}

interface ArticleDay extends Record<RolledStage, number> {
  day: string;
  article: string;
}

interface RollupState {
  /** The last closed day counted. */
  through: string;
  /** When it was last recounted (ms). */
  at: number;
  version?: number;
}

const refreshing = new WeakMap<Database, { day: string; running: Promise<void> }>();

/**
 * Brings the rollup up to yesterday, recounting the last week of closed days at most hourly. One
 * refresh at a time per process; two instances refreshing at once write the same counts.
 */
export function refreshRollup(db: Database, now = new Date()): Promise<void> {
  const day = utcDay(now);
  // A refresh begun before midnight does not cover yesterday: a request after it starts its own.
  const current = refreshing.get(db);
  if (current && current.day === day) return current.running;
  const running = refresh(db, now).finally(() => {
    if (refreshing.get(db)?.running === running) refreshing.delete(db);
  });
  refreshing.set(db, { day, running });
  return running;
}

async function refresh(db: Database, now: Date): Promise<void> {
  const yesterday = addDays(utcDay(now), -1);
  const [saved] = await db.select().from(appSettings).where(eq(appSettings.key, ROLLUP_KEY));
  const kept = saved?.value as RollupState | undefined;
  const state = kept?.version === ROLLUP_VERSION ? kept : undefined;
  if (state && state.through >= yesterday && now.getTime() - state.at < RECOUNT_EVERY_MS) return;
  let from = state ? addDays(state.through, 1) : await firstDay(db, yesterday);
  const recount = addDays(yesterday, 1 - RECOUNT_DAYS);
  if (recount < from) from = recount;
  const cells = from <= yesterday ? await countStages(db, dayStart(from), dayStart(yesterday) + DAY_MS) : new Map();
  const next: RollupState = { through: yesterday, at: now.getTime(), version: ROLLUP_VERSION };
  await db.transaction(async (tx) => {
    await tx.delete(funnelDaily).where(and(gte(funnelDaily.day, from), lte(funnelDaily.day, yesterday)));
    const values = [...cells.values()];
    // SQLite takes at most 32,766 bound values a statement: 6 a row.
    for (let start = 0; start < values.length; start += 2000)
      await tx.insert(funnelDaily).values(values.slice(start, start + 2000));
    await tx
      .insert(appSettings)
      .values({ key: ROLLUP_KEY, value: next })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: next, updatedAt: now } });
  });
}

/** The first day anything happened (read from the indexes), or yesterday when nothing has. */
async function firstDay(db: Database, yesterday: string): Promise<string> {
  const [row] = await rows(
    db,
    sql`SELECT MIN(first) AS first FROM (
          SELECT MIN(created_at) AS first FROM leads
          UNION ALL SELECT MIN(confirmed_at) FROM leads WHERE confirmed_at IS NOT NULL
          UNION ALL SELECT MIN(created_at) FROM users
          UNION ALL SELECT MIN(created_at) FROM subscriptions)`,
  );
  const first = row?.['first'];
  return first === null || first === undefined ? addDays(yesterday, 1) : utcDay(new Date(Number(first)));
}

/** Article views of a period from the beacon's rollup, by article and by day. */
export function viewsQueries(period: Period) {
  return {
    byArticle: sql`SELECT article, SUM(views) AS n FROM ${articleViews}
                   WHERE day >= ${period.from} AND day <= ${period.to} GROUP BY article`,
    byDay: sql`SELECT day, SUM(views) AS n FROM ${articleViews}
               WHERE day >= ${period.from} AND day <= ${period.to} GROUP BY day`,
  };
}

/** The rollup's sums for closed days `from`–`to`, by article and by day. */
export function rollupQueries(from: string, to: string) {
  return {
    byArticle: sql`SELECT article, SUM(captures) AS captures, SUM(confirmed) AS confirmed, SUM(members) AS members,
                          SUM(paying) AS paying
                   FROM ${funnelDaily} WHERE day >= ${from} AND day <= ${to} GROUP BY article`,
    byDay: sql`SELECT day, SUM(captures) AS captures, SUM(members) AS members
               FROM ${funnelDaily} WHERE day >= ${from} AND day <= ${to} GROUP BY day`,
  };
}

/** The funnel of one period, in total, per article, and per day. */
export async function funnelReport(db: Database, period: Period, now = new Date()): Promise<FunnelReport> {
  try {
    await refreshRollup(db, now);
  } catch (error) {
    // The dashboard still answers from the rollup as it stands; the next request tries again.
    console.error('the funnel rollup could not be refreshed', error);
  }
  const today = utcDay(now);
  const lastClosed = addDays(today, -1);
  const closedTo = period.to < lastClosed ? period.to : lastClosed;
  const liveFrom = period.from > today ? period.from : today;
  const viewQueries = viewsQueries(period);
  const closed = period.from <= closedTo;
  const rollup = rollupQueries(period.from, closedTo);
  const [views, viewsDaily, rolledByArticle, rolledByDay, live] = await Promise.all([
    rows(db, viewQueries.byArticle),
    rows(db, viewQueries.byDay),
    // Sums in SQL: a year is a few thousand rollup rows, but only a few hundred come back.
    closed ? rows(db, rollup.byArticle) : Promise.resolve([]),
    closed ? rows(db, rollup.byDay) : Promise.resolve([]),
    liveFrom <= period.to
      ? countStages(db, dayStart(liveFrom), dayStart(period.to) + DAY_MS).then((cells) => [...cells.values()])
      : Promise.resolve([]),
  ]);

  const byArticle = new Map<string, ArticleFunnel>();
  const totals: FunnelCounts = { ...EMPTY_COUNTS };
  const direct: DirectCounts = { members: 0, paying: 0 };
  const entry = (article: string) => {
    const found = byArticle.get(article) ?? { article, ...EMPTY_COUNTS };
    byArticle.set(article, found);
    return found;
  };
  const add = (article: string, stage: FunnelStage, n: number) => {
    if (article === DIRECT) {
      if (stage === 'members' || stage === 'paying') direct[stage] += n;
      return;
    }
    entry(article)[stage] += n;
    totals[stage] += n;
  };
  const perDay = new Map(periodDays(period).map((day) => [day, { day, views: 0, captures: 0, members: 0 }]));
  const onDay = (day: unknown, stage: 'views' | 'captures' | 'members', n: unknown) => {
    const found = perDay.get(String(day));
    if (found) found[stage] += Number(n ?? 0);
  };
  for (const row of views) add(String(row['article']), 'views', Number(row['n'] ?? 0));
  for (const row of viewsDaily) onDay(row['day'], 'views', row['n']);
  for (const row of rolledByArticle)
    for (const stage of ROLLED) add(String(row['article']), stage, Number(row[stage] ?? 0));
  for (const row of rolledByDay) {
    onDay(row['day'], 'captures', row['captures']);
    onDay(row['day'], 'members', row['members']);
  }
  for (const cell of live) {
    for (const stage of ROLLED) add(cell.article, stage, cell[stage]);
    onDay(cell.day, 'captures', cell.captures);
    onDay(cell.day, 'members', cell.members);
  }
  return {
    totals,
    direct,
    byArticle: [...byArticle.values()].sort((a, b) => b.views - a.views || b.captures - a.captures),
    daily: [...perDay.values()],
  };
}

/** Counts one view of an article today. */
export async function countView(db: Database, article: string, now = new Date()): Promise<void> {
  await db
    .insert(articleViews)
    .values({ day: utcDay(now), article, views: 1 })
    .onConflictDoUpdate({
      target: [articleViews.day, articleViews.article],
      set: { views: sql`${articleViews.views} + 1` },
    });
}

/** Counts one view today of an article reached from an email's link (see campaignOfPath). */
export async function countCampaignView(db: Database, campaign: string, now = new Date()): Promise<void> {
  await db
    .insert(campaignViews)
    .values({ day: utcDay(now), campaign, views: 1 })
    .onConflictDoUpdate({
      target: [campaignViews.day, campaignViews.campaign],
      set: { views: sql`${campaignViews.views} + 1` },
    });
}

// --- Email campaigns ------------------------------------------------------------------------------

/** One email (a broadcast, or a step of the cheat-sheet sequence) and what its links brought. */
export interface CampaignFunnel {
  campaign: string;
  kind: 'broadcast' | 'step';
  subject: string;
  /** When a broadcast went out (null for sequence steps, which send every day). */
  sentAt: Date | null;
  /** Since the email was first sent, from the provider's reports. */
  sent: number;
  delivered: number;
  bounced: number;
  complained: number;
  /** Within the period, from visits through the email's links. */
  views: number;
  captures: number;
  members: number;
  paying: number;
}

/** A campaign name as this site writes them: the same test as isCampaign, in SQL. */
const OUR_CAMPAIGN = (column: string) => sql.raw(`(${column} GLOB 'b-*' OR ${column} GLOB 's-*')`);

/**
 * The queries of the email section for a period: each counts within [from, to) on an index whose
 * first column is the time (see tests/integration/campaign-funnel-http.test.ts for the plans).
 */
export function campaignQueries(period: Period, from: number, to: number) {
  return {
    views: sql`SELECT campaign, SUM(views) AS n FROM ${campaignViews}
               WHERE day >= ${period.from} AND day <= ${period.to} GROUP BY campaign`,
    captures: sql`SELECT utm_campaign AS campaign, COUNT(*) AS n FROM leads
                  WHERE created_at >= ${from} AND created_at < ${to} AND ${OUR_CAMPAIGN('utm_campaign')}
                  GROUP BY utm_campaign`,
    members: sql`SELECT signup_campaign AS campaign, COUNT(*) AS n FROM users
                 WHERE created_at >= ${from} AND created_at < ${to} AND ${OUR_CAMPAIGN('signup_campaign')}
                 GROUP BY signup_campaign`,
    // A member who signed up from an email counts as paying in the period of their first subscription.
    paying: sql`SELECT u.signup_campaign AS campaign, COUNT(*) AS n
                FROM (SELECT user_id, MIN(created_at) AS first FROM subscriptions
                      WHERE status NOT IN ('incomplete', 'incomplete_expired') GROUP BY user_id) s
                JOIN users u ON u.id = s.user_id
                WHERE s.first >= ${from} AND s.first < ${to} AND ${OUR_CAMPAIGN('u.signup_campaign')}
                GROUP BY u.signup_campaign`,
    broadcasts: sql`SELECT id, subject, queued_at FROM broadcasts
                    WHERE status IN ('queueing', 'sending', 'sent') AND queued_at IS NOT NULL`,
    steps: sql`SELECT id, subject FROM sequence_steps ORDER BY position, id`,
    stats: sql`SELECT campaign, sent, delivered, bounced, complained FROM campaign_stats`,
  };
}

type Attributed = 'views' | 'captures' | 'members' | 'paying';
const ATTRIBUTED: Attributed[] = ['views', 'captures', 'members', 'paying'];

/**
 * The period's emails: broadcasts sent in it, and every broadcast or sequence step whose links
 * brought a view, a capture, a member or a paying member in it, each with the provider's counts.
 * Campaign names that match no broadcast or step (a link someone made up) are left out.
 */
export async function campaignReport(db: Database, period: Period): Promise<CampaignFunnel[]> {
  const start = dayStart(period.from);
  const end = dayStart(period.to) + DAY_MS;
  const queries = campaignQueries(period, start, end);
  const [views, captures, members, paying, broadcasts, steps, stats] = await Promise.all([
    rows(db, queries.views),
    rows(db, queries.captures),
    rows(db, queries.members),
    rows(db, queries.paying),
    rows(db, queries.broadcasts),
    rows(db, queries.steps),
    rows(db, queries.stats),
  ]);
  const known = new Map<string, { subject: string; sentAt: Date | null; order: number }>();
  for (const row of broadcasts) {
    const queuedAt = row['queued_at'] === null ? null : new Date(Number(row['queued_at']));
    known.set(`b-${String(row['id'])}`, { subject: String(row['subject'] ?? ''), sentAt: queuedAt, order: 0 });
  }
  steps.forEach((row, order) =>
    known.set(`s-${String(row['id'])}`, { subject: String(row['subject'] ?? ''), sentAt: null, order }),
  );

  const found = new Map<string, CampaignFunnel>();
  const entry = (campaign: string) => {
    const existing = found.get(campaign);
    if (existing) return existing;
    const about = known.get(campaign);
    const kind = campaignKind(campaign)?.kind;
    if (!about || !kind) return undefined;
    const made: CampaignFunnel = {
      campaign,
      kind,
      subject: about.subject,
      sentAt: about.sentAt,
      sent: 0,
      delivered: 0,
      bounced: 0,
      complained: 0,
      views: 0,
      captures: 0,
      members: 0,
      paying: 0,
    };
    found.set(campaign, made);
    return made;
  };
  for (const [campaign, about] of known)
    if (about.sentAt && about.sentAt.getTime() >= start && about.sentAt.getTime() < end) entry(campaign);
  [views, captures, members, paying].forEach((result, index) => {
    const stage = ATTRIBUTED[index]!;
    for (const row of result) {
      const cell = entry(String(row['campaign']));
      if (cell) cell[stage] += Number(row['n'] ?? 0);
    }
  });
  for (const row of stats) {
    const cell = found.get(String(row['campaign']));
    if (!cell) continue;
    cell.sent = Number(row['sent'] ?? 0);
    cell.delivered = Number(row['delivered'] ?? 0);
    cell.bounced = Number(row['bounced'] ?? 0);
    cell.complained = Number(row['complained'] ?? 0);
  }
  // Broadcasts newest first, then the sequence's steps in their order.
  const order = (campaign: string) => known.get(campaign)?.order ?? 0;
  return [...found.values()].sort(
    (a, b) =>
      Number(b.kind === 'broadcast') - Number(a.kind === 'broadcast') ||
      (b.sentAt?.getTime() ?? 0) - (a.sentAt?.getTime() ?? 0) ||
      order(a.campaign) - order(b.campaign) ||
      a.campaign.localeCompare(b.campaign),
  );
}
