/**
 * The member's entries as lists: the tracker home, the board and its filters, the due steps of
 * the calendar feed, and how many entries a member has.
 */
import { and, asc, desc, eq, gte, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { preparedQuery, type Database } from '../../../db/connect';
import { opportunities } from '../../../db/schema';
import type { Opportunity } from './records';
import type { DueSection, TrackerItem } from './view';
import type { OpportunityKind, Stage } from './model';
import type { Member } from './entries.server';

export interface TrackerFilter {
  /** Words to find in company, contact, role or notes. */
  q?: string;
  kind?: OpportunityKind;
  stage?: Stage;
  archived?: boolean;
}

/** The columns the tracker home, the board and the reminders show: everything but long text. */
export const listColumns = {
  id: opportunities.id,
  kind: opportunities.kind,
  company: opportunities.company,
  roleTitle: opportunities.roleTitle,
  contactName: opportunities.contactName,
  stage: opportunities.stage,
  archivedAt: opportunities.archivedAt,
  planState: opportunities.planState,
  planStep: opportunities.planStep,
  planPrecision: opportunities.planPrecision,
  planEarliestAt: opportunities.planEarliestAt,
  planDueAt: opportunities.planDueAt,
  planReason: opportunities.planReason,
  lastActivityAt: opportunities.lastActivityAt,
} satisfies Record<keyof TrackerItem, unknown>;

/** `%` and `_` typed by the member are matched literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** The member's opportunities, most recently active first (served by opportunities_user_activity). */
export function listOpportunities(db: Database, member: Member, filter: TrackerFilter = {}) {
  const conditions: SQL[] = [eq(opportunities.userId, member.id)];
  conditions.push(filter.archived ? isNotNull(opportunities.archivedAt) : isNull(opportunities.archivedAt));
  if (filter.kind) conditions.push(eq(opportunities.kind, filter.kind));
  if (filter.stage) conditions.push(eq(opportunities.stage, filter.stage));
  const words = (filter.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 6);
  for (const word of words) {
    const pattern = likePattern(word.slice(0, 60));
    conditions.push(
      or(
        sql`${opportunities.company} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.contactName} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.roleTitle} LIKE ${pattern} ESCAPE '\\'`,
        sql`${opportunities.notes} LIKE ${pattern} ESCAPE '\\'`,
      )!,
    );
  }
  return db
    .select(listColumns)
    .from(opportunities)
    .where(and(...conditions))
    .orderBy(desc(opportunities.lastActivityAt))
    .limit(1000);
}

/** The most due steps the calendar feed holds: it is read whole, every few hours, by calendar apps. */
export const CALENDAR_FEED_CAP = 500;

function hasDueStep(member: Member) {
  return and(eq(opportunities.userId, member.id), isNull(opportunities.archivedAt), isNotNull(opportunities.planDueAt));
}

// The two below are correlated subqueries, written out: drizzle leaves the outer row's columns
// unqualified in a one-table select, and an unqualified `id` would name the inner table's own.

/**
 * The round a step belongs to: the entry's latest conversation, since a later one starts a new
 * round (ties broken by id, so the answer never changes between reads).
 */
const roundId = sql<string | null>`(SELECT c.id FROM conversations c
  WHERE c.opportunity_id = opportunities.id ORDER BY c.at DESC, c.id DESC LIMIT 1)`;

/** Messages for the planned step the member already sent in that round: the 2nd check-in is not the 1st. */
const stepsSent = sql<number>`(SELECT count(*) FROM touches t
  WHERE t.opportunity_id = opportunities.id AND t.type = 'sent' AND t.step = opportunities.plan_step
  AND t.at >= (SELECT max(c.at) FROM conversations c WHERE c.opportunity_id = opportunities.id))`.mapWith(Number);

/**
 * Open steps with a due date, soonest first, so overdue ones come first (served by
 * opportunities_user_due_cover), with what the calendar feed names each follow-up by: its round,
 * how many of its step were sent in it, and when the entry last changed.
 */
export function listDueSteps(db: Database, member: Member, limit = CALENDAR_FEED_CAP) {
  return db
    .select({ ...listColumns, updatedAt: opportunities.updatedAt, roundId, stepsSent })
    .from(opportunities)
    .where(hasDueStep(member))
    .orderBy(asc(opportunities.planDueAt))
    .limit(limit);
}

/** How many open steps have a due date (from the covering index alone). */
export async function countDueSteps(db: Database, member: Member): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(opportunities)
    .where(hasDueStep(member));
  return Number(row?.n ?? 0);
}

/** The calendar feed's due steps, at most CALENDAR_FEED_CAP of them, and how many more there are. */
export async function calendarSteps(db: Database, member: Member) {
  const [steps, total] = await Promise.all([listDueSteps(db, member), countDueSteps(db, member)]);
  return { steps, leftOut: Math.max(0, total - steps.length) };
}

/** The entry whose next message is due soonest, if any: where a draft is waiting to be written. */
export async function soonestDueEntry(db: Database, member: Member) {
  const [row] = await db
    .select({ id: opportunities.id, company: opportunities.company, contactName: opportunities.contactName })
    .from(opportunities)
    .where(hasDueStep(member))
    .orderBy(asc(opportunities.planDueAt))
    .limit(1);
  return row;
}

const DAY_MS = 86_400_000;
/** The largest time a Date can hold. */
const LATEST_DATE_MS = 8_640_000_000_000_000;

/** The member's entries with a due step, between two instants (inclusive), soonest first. */
export function dueBetween(db: Database, member: Member, from: number, to: number, limit: number) {
  return dueBetweenQuery(db).execute({ member: member.id, from, to, limit });
}

/** dueBetween, prepared once: the tracker home runs it two or three times a request. */
export const dueBetweenQuery = preparedQuery((db) =>
  db
    .select(listColumns)
    .from(opportunities)
    .where(
      and(
        eq(opportunities.userId, sql.placeholder('member')),
        isNull(opportunities.archivedAt),
        gte(opportunities.planDueAt, sql.placeholder('from')),
        lte(opportunities.planDueAt, sql.placeholder('to')),
      ),
    )
    .orderBy(asc(opportunities.planDueAt))
    .limit(sql.placeholder('limit'))
    .prepare(),
);

export interface HomeSummary {
  overdue: DueSection;
  today: DueSection;
  upcoming: DueSection;
  /** Open (unarchived) entries by stage and plan state, for the board's column totals. */
  stages: { stage: Stage; planState: Opportunity['planState']; count: number }[];
}

/**
 * Open entries by stage and plan state, with how many are overdue, due today and upcoming: read
 * from the covering index alone (opportunities_user_due_cover), never from the rows.
 */
export function homeTotals(db: Database, member: Member, at: number, dayEnd: number, horizon: number) {
  return homeTotalsQuery(db).execute({ member: member.id, at, dayEnd, horizon });
}

/** homeTotals, prepared once: every tracker home runs it. */
export const homeTotalsQuery = preparedQuery((db) => {
  const due = opportunities.planDueAt;
  const [at, dayEnd, horizon] = [sql.placeholder('at'), sql.placeholder('dayEnd'), sql.placeholder('horizon')];
  const timedSoon = sql`(${due} > ${dayEnd} AND ${opportunities.planPrecision} = 'time' AND ${due} <= ${horizon})`;
  return db
    .select({
      stage: opportunities.stage,
      planState: opportunities.planState,
      count: sql<number>`count(*)`,
      overdue: sql<number>`coalesce(sum(${due} < ${at}), 0)`,
      today: sql<number>`coalesce(sum((${due} >= ${at} AND ${due} <= ${dayEnd}) OR ${timedSoon}), 0)`,
      upcoming: sql<number>`coalesce(sum(${due} > ${dayEnd} AND NOT ${timedSoon}), 0)`,
    })
    .from(opportunities)
    .where(and(eq(opportunities.userId, sql.placeholder('member')), isNull(opportunities.archivedAt)))
    .groupBy(opportunities.stage, opportunities.planState)
    .prepare();
});

/**
 * The tracker home in three queries whatever the tracker holds: one aggregate (totals by stage
 * and by urgency) and the first few entries of each list, read as index ranges. The buckets are
 * the playbook's (bucketOf): overdue once past due; today when due by the end of the member's
 * day, or a timed step due within 24 h; upcoming after that. `endOfToday` is the last
 * millisecond of the member's local day.
 */
export async function homeSummary(
  db: Database,
  member: Member,
  now: Date,
  endOfToday: Date,
  shown: { overdue: number; today: number; upcoming: number },
): Promise<HomeSummary> {
  const at = now.getTime();
  const dayEnd = endOfToday.getTime();
  const horizon = at + DAY_MS;
  const isToday = (item: TrackerItem) =>
    item.planDueAt!.getTime() <= dayEnd || (item.planPrecision === 'time' && item.planDueAt!.getTime() <= horizon);
  const [groups, overdueItems, soon] = await Promise.all([
    homeTotals(db, member, at, dayEnd, horizon),
    dueBetween(db, member, 0, at - 1, shown.overdue),
    dueBetween(db, member, at, LATEST_DATE_MS, shown.today + shown.upcoming),
  ]);
  const total = (key: 'overdue' | 'today' | 'upcoming') => groups.reduce((sum, row) => sum + Number(row[key]), 0);
  const todayItems = soon.filter(isToday).slice(0, shown.today);
  let upcomingItems = soon.filter((item) => !isToday(item));
  // More due today than shown: the first upcoming entries lie past all of today's.
  if (total('today') > todayItems.length && upcomingItems.length < shown.upcoming && total('upcoming') > 0)
    upcomingItems = (await dueBetween(db, member, dayEnd + 1, LATEST_DATE_MS, shown.upcoming + total('today'))).filter(
      (item) => !isToday(item),
    );
  return {
    overdue: { items: overdueItems, count: total('overdue') },
    today: { items: todayItems, count: total('today') },
    upcoming: { items: upcomingItems.slice(0, shown.upcoming), count: total('upcoming') },
    stages: groups.map(({ stage, planState, count }) => ({ stage, planState, count: Number(count) })),
  };
}

export async function countOpportunities(db: Database, member: Member): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(opportunities)
    .where(eq(opportunities.userId, member.id));
  return Number(row?.n ?? 0);
}
