/**
 * Fills a migrated database with a year of the funnel for the coach's dashboard benchmark: over
 * the 365 days before `now` (today, partly elapsed, included), a million article views in the
 * beacon's daily rollup (one row per day and published article; weekends quieter, some guides more
 * read than others, a slow upward trend, the odd day a guide is shared), 50,000 cheat-sheet leads
 * (mostly confirmed, some pending, some unsubscribed, most captured on an article), 5,000 members
 * (3,000 of them signed up after being a lead, linked as the app links them), ~600 paying members
 * with their subscriptions, entitlements and Stripe customers, and one coach with a session.
 *
 * Leads arrive the way views do: each is captured on a (day, article) drawn in proportion to that
 * day's views of the article times the article's own capture rate, so the charts move together.
 * Everything is drawn from a seeded generator: the same seed and `now` give the same database.
 *
 * Loading: about 60,000 rows, generated here and sent as multi-row INSERTs of literals (500 rows a
 * statement) in one write transaction, in created_at order; the secondary indexes stay (at this
 * size building them as rows arrive is as quick as rebuilding them).
 *
 *   node bench/seed-dashboard.ts <database file>   (a freshly migrated one, e.g. from scripts/db-migrate.ts)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type InValue } from '@libsql/client';
import { entitlementFrom, type SubscriptionState } from '../src/lib/coaching/billing-rules.ts';
import { CONSENT_TEXT } from '../src/lib/leads/consent.ts';
import { createRandom, type Random } from './random.ts';
import { inserts } from './sql.ts';

export interface DashboardSeedOptions {
  now?: Date;
  seed?: number;
}

export interface DashboardSeedCounts {
  articles: number;
  articleViewRows: number;
  views: number;
  leads: number;
  pending: number;
  confirmed: number;
  unsubscribed: number;
  /** Members only; the coach is one more user. */
  members: number;
  linkedMembers: number;
  subscriptions: number;
  paying: number;
  entitlements: number;
  sessions: number;
  /** Email campaigns: weekly newsletters sent, and the sequence's steps. */
  broadcasts: number;
  campaignViewRows: number;
  /** Leads captured, and members who signed up, through an email's link. */
  campaignLeads: number;
  campaignMembers: number;
  /** Every row written, all tables together. */
  rows: number;
}

export interface DashboardSeed {
  /** The coach's `session=<id>.<secret>` Cookie header value. */
  cookie: string;
  counts: DashboardSeedCounts;
  /** The first and last day seeded (UTC, YYYY-MM-DD). */
  from: string;
  to: string;
  ms: number;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAYS = 365;
const TOTAL_VIEWS = 1_000_000;
const LEADS = 50_000;
const MEMBERS = 5_000;
const LINKED_MEMBERS = 3_000;
const SUBSCRIBERS = 600;
const SESSION_LIFETIME_MS = 30 * DAY_MS;
const CONFIRM_LINK_MS = 48 * HOUR_MS;
const NURTURE_STEP_2_MS = 2 * DAY_MS;
const NURTURE_STEP_3_MS = 6 * DAY_MS;
const ROWS_PER_STATEMENT = 500;
/** Not a hash of anything: the bench signs in with a session, never with a password. */
const PASSWORD_HASH = '$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaA$bm8tcGFzc3dvcmQtZm9yLWJlbmNoLW1lbWJlcnM';

const FIRST_NAMES = [
  'ana',
  'ben',
  'chloe',
  'david',
  'elif',
  'farah',
  'george',
  'hana',
  'ivan',
  'julia',
  'kofi',
  'lena',
  'marco',
  'nadia',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sam',
  'tomas',
];
const LAST_NAMES = [
  'okafor',
  'schmidt',
  'nguyen',
  'garcia',
  'kowalski',
  'patel',
  'haddad',
  'jensen',
  'rossi',
  'tanaka',
  'murphy',
  'silva',
  'novak',
  'cohen',
  'andersson',
];
const DOMAINS = ['mail.example', 'inbox.example', 'post.example', 'work.example', 'uni.example'];
const TIME_ZONES = [
  'UTC',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
];
/** Where captures not made on an article happen. */
const OTHER_PATHS = ['/', '/cheat-sheet', '/cheat-sheet', '/tracker'];
const UTMS = [
  { utm_source: 'linkedin', utm_medium: 'social', utm_campaign: 'follow-up-tips' },
  { utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'monthly' },
  { utm_source: 'reddit', utm_medium: 'social', utm_campaign: null },
  { utm_source: 'podcast', utm_medium: 'referral', utm_campaign: 'interview-week' },
];

/** The published articles' slugs: src/content/articles/*.md without `draft: true`. */
export function publishedArticles(root = resolve(import.meta.dirname, '..')): string[] {
  const folder = join(root, 'src/content/articles');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.md'))
    .filter((name) => !/^draft:\s*true\s*$/m.test(readFileSync(join(folder, name), 'utf8').split(/^---\s*$/m)[1] ?? ''))
    .map((name) => name.slice(0, -'.md'.length))
    .sort();
}

/** Integers proportional to `weights` that add up to exactly `total` (largest remainders). */
function apportion(weights: number[], total: number): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((s, n) => s + n, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((p, q) => q[0] - p[0] || p[1] - q[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]! += 1;
  }
  return counts;
}

/** Draws indices in proportion to weights (binary search over the running totals). */
function sampler(weights: number[], random: Random): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w));
  return () => {
    const target = random.next() * sum;
    let [lo, hi] = [0, cumulative.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** `count` distinct items of `items`, in random order (partial Fisher–Yates on a copy). */
function sample<T>(items: readonly T[], count: number, random: Random): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random.next() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Lead {
  id: string;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  source_path: string | null;
  source_article: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  consent_text: string;
  consent_at: number;
  confirm_token_hash: string | null;
  confirm_expires_at: number | null;
  confirmation_sent_at: number;
  confirmed_at: number | null;
  unsubscribed_at: number | null;
  nurture_step: number;
  next_nurture_at: number | null;
  user_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The nurture step reached by `at` for a lead confirmed at `confirmedAt` (1 = the sheet itself). */
function nurtureAt(confirmedAt: number, at: number): { step: number; next: number | null } {
  if (at - confirmedAt < NURTURE_STEP_2_MS) return { step: 1, next: confirmedAt + NURTURE_STEP_2_MS };
  if (at - confirmedAt < NURTURE_STEP_3_MS) return { step: 2, next: confirmedAt + NURTURE_STEP_3_MS };
  return { step: 3, next: null };
}

/** The cheat-sheet sequence's steps, as the sequence migration seeds them (inserted only if missing). */
const SEQUENCE_STEPS = [
  { id: 'cheat-sheet', kind: 'delivery', position: 10, delay_days: 0, subject: 'Your follow-up cheat sheet' },
  {
    id: 'thank-you-in-practice',
    kind: 'content',
    position: 20,
    delay_days: 2,
    subject: 'The thank-you note, in practice',
  },
  { id: 'track-your-follow-ups', kind: 'content', position: 30, delay_days: 6, subject: 'Track every follow-up' },
];

interface CampaignSeed {
  broadcastRows: Record<string, InValue>[];
  stepRows: Record<string, InValue>[];
  statRows: Record<string, InValue>[];
  viewRows: Record<string, InValue>[];
  leads: number;
  members: number;
}

/**
 * The email section's year: a newsletter every week (its views over the week after it went out),
 * the sequence's three steps mailed every day, and a few leads and members who arrived through an
 * email's link (credited as the app credits them: leads.utm_campaign, users.signup_campaign). Drawn
 * from its own generator, so the rest of the seed is as it was without it.
 */
function seedCampaigns(
  random: Random,
  dayStarts: number[],
  nowMs: number,
  leads: { utm_campaign: string | null; utm_source: string | null; utm_medium: string | null; created_at: number }[],
  userRows: Record<string, InValue>[],
): CampaignSeed {
  const broadcasts: { id: string; at: number }[] = [];
  for (let at = dayStarts[0]! + 9 * HOUR_MS; at < nowMs - HOUR_MS; at += 7 * DAY_MS)
    broadcasts.push({ id: random.id(12), at: at + random.int(0, 120) * MINUTE_MS });
  const broadcastRows = broadcasts.map((b, n) => ({
    id: b.id,
    subject: `Follow-up notes, week ${n + 1}`,
    status: 'sent',
    audience: '{"kind":"leads"}',
    queued_at: b.at,
    finished_at: b.at + 20 * MINUTE_MS,
    recipients: 30_000 + n * 300,
    created_at: b.at - 2 * DAY_MS,
    updated_at: b.at + 20 * MINUTE_MS,
  }));
  const stepRows = SEQUENCE_STEPS.map((step) => ({
    ...step,
    body_markdown: 'Bench.',
    for_members: step.position !== 30 ? 1 : 0,
  }));
  const campaigns = [...broadcasts.map((b) => `b-${b.id}`), ...SEQUENCE_STEPS.map((step) => `s-${step.id}`)];
  const statRows = campaigns.map((campaign, n) => {
    const sent = n < broadcasts.length ? Number(broadcastRows[n]!.recipients) : 20_000 + random.int(0, 5_000);
    const bounced = random.int(10, 80);
    return {
      campaign,
      sent,
      failed: random.int(0, 5),
      delivered: sent - bounced,
      bounced,
      complained: random.int(0, 6),
      updated_at: nowMs,
    };
  });
  const viewRows: Record<string, InValue>[] = [];
  for (const b of broadcasts)
    for (let d = 0; d < 7 && b.at + d * DAY_MS < nowMs; d++)
      viewRows.push({ day: utcDay(b.at + d * DAY_MS), campaign: `b-${b.id}`, views: Math.round(900 / (1 + 2 * d)) });
  for (const start of dayStarts)
    for (const step of SEQUENCE_STEPS)
      viewRows.push({ day: utcDay(start), campaign: `s-${step.id}`, views: random.int(5, 40) });
  // The campaign of the email a visitor at `at` most likely came from: the week's newsletter, or a step.
  const campaignAt = (at: number) => {
    const latest = broadcasts.findLast((b) => b.at <= at && at - b.at < 7 * DAY_MS);
    return latest && random.next() < 0.7 ? `b-${latest.id}` : `s-${random.pick(SEQUENCE_STEPS).id}`;
  };
  let creditedLeads = 0;
  for (const lead of leads)
    if (lead.utm_campaign === null && random.next() < 0.06) {
      const campaign = campaignAt(lead.created_at);
      lead.utm_campaign = campaign;
      lead.utm_source = campaign.startsWith('b-') ? 'newsletter' : 'sequence';
      lead.utm_medium = 'email';
      creditedLeads += 1;
    }
  let creditedMembers = 0;
  for (const row of userRows)
    if (random.next() < 0.12) {
      row['signup_campaign'] = campaignAt(Number(row['created_at']));
      creditedMembers += 1;
    } else row['signup_campaign'] = null;
  return { broadcastRows, stepRows, statRows, viewRows, leads: creditedLeads, members: creditedMembers };
}

export async function seedDashboard(databaseUrl: string, options: DashboardSeedOptions = {}): Promise<DashboardSeed> {
  const started = performance.now();
  const { now = new Date(), seed = 20_260_301 } = options;
  const nowMs = now.getTime();
  const random = createRandom(seed);
  const articles = publishedArticles();
  if (articles.length === 0) throw new Error('no published articles under src/content/articles');

  // --- Article views: one row per day and article, exactly TOTAL_VIEWS in all. ---
  const todayStart = Date.parse(`${utcDay(nowMs)}T00:00:00Z`);
  const firstDayStart = todayStart - (DAYS - 1) * DAY_MS;
  const dayStarts = Array.from({ length: DAYS }, (_, d) => firstDayStart + d * DAY_MS);
  // Popularity by a shuffled rank, each guide with its own growth and its own capture rate.
  const ranked = sample(articles, articles.length, random);
  const article = articles.map((slug) => ({
    slug,
    popularity: 1 / (1 + 0.45 * ranked.indexOf(slug)),
    growth: random.between(0.4, 1.6),
    capture: random.between(0.6, 1.5),
  }));
  const todayShare = Math.max(0.02, (nowMs - todayStart) / DAY_MS);
  const cellWeights: number[] = [];
  for (const [d, dayStart] of dayStarts.entries()) {
    const t = d / (DAYS - 1);
    const weekday = new Date(dayStart).getUTCDay();
    const week = weekday === 0 || weekday === 6 ? 0.62 : weekday === 1 || weekday === 2 ? 1.08 : 1;
    const partial = d === DAYS - 1 ? todayShare : 1;
    for (const a of article) {
      const shared = random.next() < 0.012 ? random.between(2, 4) : 1;
      cellWeights.push(a.popularity * (1 + a.growth * t) * week * partial * shared * random.between(0.82, 1.18));
    }
  }
  const cellViews = apportion(cellWeights, TOTAL_VIEWS);
  const viewRows = cellViews.map((views, cell) => ({
    day: utcDay(dayStarts[Math.floor(cell / articles.length)]!),
    article: articles[cell % articles.length]!,
    views,
  }));
  const dayViews = dayStarts.map((_, d) =>
    cellViews.slice(d * articles.length, (d + 1) * articles.length).reduce((s, n) => s + n, 0),
  );

  /** A moment of day `d`: mostly daytime (UTC, readers on several continents), never after now. */
  const momentOf = (d: number) => {
    const start = dayStarts[d]!;
    const length = d === DAYS - 1 ? Math.max(1, nowMs - start - MINUTE_MS) : DAY_MS;
    const spread = (random.next() + random.next()) / 2;
    return start + Math.floor((d === DAYS - 1 ? random.next() : spread) * length);
  };

  // --- Leads ---
  const drawCell = sampler(
    cellViews.map((views, cell) => views * article[cell % articles.length]!.capture),
    random,
  );
  const drawDay = sampler(dayViews, random);
  const leads: Lead[] = [];
  for (let n = 0; n < LEADS; n++) {
    let day: number;
    let slug: string | null;
    if (random.next() < 0.85) {
      const cell = drawCell();
      day = Math.floor(cell / articles.length);
      slug = articles[cell % articles.length]!;
    } else {
      day = drawDay();
      slug = null;
    }
    const createdAt = momentOf(day);
    const utm = random.next() < 0.22 ? random.pick(UTMS) : undefined;
    const roll = random.next();
    const delay =
      roll < 0.6
        ? random.int(2, 30) * MINUTE_MS
        : roll < 0.9
          ? random.int(30, 360) * MINUTE_MS
          : random.int(6, 40) * HOUR_MS + random.int(0, 59) * MINUTE_MS;
    let status: Lead['status'] = random.next() < 0.18 ? 'pending' : random.next() < 0.85 ? 'confirmed' : 'unsubscribed';
    if (createdAt + delay >= nowMs) status = 'pending';
    const confirmedAt = status === 'pending' ? null : createdAt + delay;
    let unsubscribedAt: number | null = null;
    if (status === 'unsubscribed') {
      const after = random.next() < 0.5 ? random.int(1, 72) * HOUR_MS : random.int(3, 90) * DAY_MS;
      unsubscribedAt = Math.min(
        confirmedAt! + after,
        confirmedAt! + Math.floor((nowMs - confirmedAt!) * random.next()),
      );
    }
    const nurture = confirmedAt === null ? { step: 0, next: null } : nurtureAt(confirmedAt, unsubscribedAt ?? nowMs);
    const email = `${random.pick(FIRST_NAMES)}.${random.pick(LAST_NAMES)}.${n}@${random.pick(DOMAINS)}`;
    leads.push({
      id: random.id(16),
      email,
      status,
      source_path: slug ? `/articles/${slug}` : random.pick(OTHER_PATHS),
      source_article: slug,
      utm_source: utm?.utm_source ?? null,
      utm_medium: utm?.utm_medium ?? null,
      utm_campaign: utm?.utm_campaign ?? null,
      consent_text: CONSENT_TEXT,
      consent_at: createdAt,
      confirm_token_hash:
        status === 'pending' ? createHash('sha256').update(`bench-confirm-${seed}-${n}`).digest('hex') : null,
      confirm_expires_at: status === 'pending' ? createdAt + CONFIRM_LINK_MS : null,
      confirmation_sent_at: createdAt,
      confirmed_at: confirmedAt,
      unsubscribed_at: unsubscribedAt,
      nurture_step: nurture.step,
      next_nurture_at: status === 'confirmed' ? nurture.next : null,
      user_id: null,
      created_at: createdAt,
      updated_at: Math.max(createdAt, confirmedAt ?? 0, unsubscribedAt ?? 0),
    });
  }

  // --- Members: 3,000 who were leads first (same address, linked), 2,000 who came directly. ---
  interface Member {
    id: string;
    email: string;
    created_at: number;
    lead?: Lead;
  }
  const members: Member[] = [];
  const eligible = leads.filter((lead) => lead.confirmed_at !== null && lead.confirmed_at < nowMs - HOUR_MS);
  for (const lead of sample(eligible, LINKED_MEMBERS, random)) {
    const room = Math.min(45 * DAY_MS, nowMs - lead.confirmed_at! - MINUTE_MS);
    members.push({
      id: random.id(),
      email: lead.email,
      created_at: lead.confirmed_at! + MINUTE_MS + Math.floor(random.next() ** 2 * room),
      lead,
    });
  }
  for (let n = 0; members.length < MEMBERS; n++) {
    members.push({
      id: random.id(),
      email: `member.${random.pick(LAST_NAMES)}.${n}@${random.pick(DOMAINS)}`,
      created_at: momentOf(drawDay()),
    });
  }
  members.sort((p, q) => p.created_at - q.created_at);
  for (const member of members) {
    if (!member.lead) continue;
    // As the app links them on verification: the lead points at the member, nurture stops.
    member.lead.user_id = member.id;
    member.lead.next_nurture_at = null;
    member.lead.updated_at = Math.max(member.lead.updated_at, member.created_at);
  }
  const userRows: Record<string, InValue>[] = members.map((member) => ({
    id: member.id,
    email: member.email,
    email_verified_at: Math.min(nowMs, member.created_at + random.int(1, 30) * MINUTE_MS),
    password_hash: PASSWORD_HASH,
    name: random.next() < 0.7 ? `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}` : '',
    time_zone: random.pick(TIME_ZONES),
    role: 'member',
    created_at: member.created_at,
    updated_at: member.created_at,
  }));

  // --- Paying members: subscriptions (a few with an earlier one that ended), entitlements, customers. ---
  const subscriptionRows: Record<string, InValue>[] = [];
  const entitlementRows: Record<string, InValue>[] = [];
  const customerRows: Record<string, InValue>[] = [];
  const payable = members.filter((member) => member.created_at < nowMs - DAY_MS);
  const subscribers = sample(payable, SUBSCRIBERS, random).sort((p, q) => p.created_at - q.created_at);
  for (const member of subscribers) {
    const customer = `cus_bench${member.id.slice(0, 14)}`;
    let at =
      member.created_at +
      HOUR_MS +
      Math.floor(random.next() ** 1.5 * Math.min(90 * DAY_MS, nowMs - member.created_at - 2 * HOUR_MS));
    const states: (SubscriptionState & { createdAt: number; priceId: string })[] = [];
    // One in twenty first had a subscription that ended (a checkout abandoned, or a cancelled month).
    if (random.next() < 0.05 && nowMs - at > 3 * DAY_MS) {
      const incomplete = random.next() < 0.4;
      const end = at + Math.floor(random.between(0.1, 0.5) * (nowMs - at));
      states.push({
        id: `sub_bench${random.id(20)}`,
        status: incomplete ? 'incomplete_expired' : 'canceled',
        interval: 'month',
        currentPeriodEnd: new Date(incomplete ? at + DAY_MS : end),
        cancelAtPeriodEnd: false,
        pastDueSince: null,
        createdAt: at,
        priceId: 'price_bench_month',
      });
      at = end + Math.floor(random.next() * (nowMs - end) * 0.5);
    }
    const interval = random.next() < 0.75 ? 'month' : 'year';
    const period = interval === 'month' ? 30 * DAY_MS : 365 * DAY_MS;
    const periodsSince = Math.floor((nowMs - at) / period);
    const roll = random.next();
    const pastDue = roll < 0.04 && periodsSince >= 1;
    const canceled = !pastDue && roll < 0.2;
    let currentPeriodEnd: number;
    let pastDueSince: number | null = null;
    let status: string;
    if (pastDue) {
      status = 'past_due';
      pastDueSince = nowMs - random.int(1, 6 * 24) * HOUR_MS;
      currentPeriodEnd = pastDueSince;
    } else if (canceled) {
      status = 'canceled';
      currentPeriodEnd =
        periodsSince >= 1 ? at + random.int(1, periodsSince) * period : at + Math.floor(random.next() * (nowMs - at));
    } else {
      status = 'active';
      currentPeriodEnd = at + (periodsSince + 1) * period;
    }
    states.push({
      id: `sub_bench${random.id(20)}`,
      status,
      interval,
      currentPeriodEnd: new Date(currentPeriodEnd),
      cancelAtPeriodEnd: status === 'active' && random.next() < 0.08,
      pastDueSince: pastDueSince === null ? null : new Date(pastDueSince),
      createdAt: at,
      priceId: `price_bench_${interval}`,
    });
    for (const state of states) {
      subscriptionRows.push({
        id: state.id,
        user_id: member.id,
        stripe_customer_id: customer,
        status: state.status,
        price_id: state.priceId,
        interval: state.interval,
        current_period_end: state.currentPeriodEnd!.getTime(),
        cancel_at_period_end: state.cancelAtPeriodEnd ? 1 : 0,
        past_due_since: state.pastDueSince?.getTime() ?? null,
        created_at: state.createdAt,
        updated_at: Math.min(
          nowMs,
          Math.max(
            state.createdAt,
            state.pastDueSince?.getTime() ?? 0,
            state.status === 'active' ? 0 : state.currentPeriodEnd!.getTime(),
          ),
        ),
      });
    }
    const entitlement = entitlementFrom(states);
    entitlementRows.push({
      user_id: member.id,
      status: entitlement.status,
      subscription_id: entitlement.subscriptionId,
      interval: entitlement.interval,
      access_until: entitlement.accessUntil?.getTime() ?? null,
      renews_at: entitlement.renewsAt?.getTime() ?? null,
      cancel_at_period_end: entitlement.cancelAtPeriodEnd ? 1 : 0,
      updated_at: Math.max(...states.map((state) => state.createdAt)),
    });
    customerRows.push({ user_id: member.id, stripe_customer_id: customer, created_at: states[0]!.createdAt });
  }
  subscriptionRows.sort((p, q) => Number(p['created_at']) - Number(q['created_at']));

  // --- The coach, signed in. ---
  const coachId = random.id();
  const coachJoined = firstDayStart - 40 * DAY_MS;
  const sessionId = random.id();
  const secret = random.id();
  const coachRows = [
    {
      id: coachId,
      email: 'coach@bench.example',
      email_verified_at: coachJoined + MINUTE_MS,
      password_hash: PASSWORD_HASH,
      name: 'Bench Coach',
      time_zone: 'UTC',
      role: 'coach',
      // The users' INSERTs take their columns from this first row.
      signup_campaign: null,
      created_at: coachJoined,
      updated_at: coachJoined,
    },
  ];
  const sessionRows = [
    {
      id: sessionId,
      secret_hash: createHash('sha256').update(secret).digest('hex'),
      user_id: coachId,
      expires_at: nowMs + SESSION_LIFETIME_MS,
      user_agent: 'bench (dashboard)',
      created_at: nowMs,
      last_seen_at: nowMs,
    },
  ];

  const email = seedCampaigns(createRandom(seed + 1), dayStarts, nowMs, leads, userRows);
  leads.sort((p, q) => p.created_at - q.created_at);
  const leadRows = leads as unknown as Record<string, InValue>[];
  const generatedMs = performance.now() - started;

  const client = createClient({ url: databaseUrl });
  // A bench database: durability during the seed is not needed, speed is.
  await client.execute('PRAGMA synchronous = OFF');
  await client.execute('PRAGMA temp_store = MEMORY');
  await client.execute('PRAGMA cache_size = -131072');
  const loadStarted = performance.now();
  await client.batch(
    [
      ...inserts('users', [...coachRows, ...userRows], ROWS_PER_STATEMENT),
      ...inserts('sessions', sessionRows, ROWS_PER_STATEMENT),
      ...inserts('article_views', viewRows, ROWS_PER_STATEMENT),
      ...inserts('leads', leadRows, ROWS_PER_STATEMENT),
      ...inserts('billing_customers', customerRows, ROWS_PER_STATEMENT),
      ...inserts('subscriptions', subscriptionRows, ROWS_PER_STATEMENT),
      ...inserts('entitlements', entitlementRows, ROWS_PER_STATEMENT),
      ...inserts('broadcasts', email.broadcastRows, ROWS_PER_STATEMENT),
      ...inserts('campaign_stats', email.statRows, ROWS_PER_STATEMENT),
      ...inserts('campaign_views', email.viewRows, ROWS_PER_STATEMENT),
      // The sequence migration may have seeded the steps already.
      ...inserts('sequence_steps', email.stepRows, ROWS_PER_STATEMENT).map((statement) =>
        statement.replace(/^INSERT INTO/, 'INSERT OR IGNORE INTO'),
      ),
    ],
    'write',
  );
  const loadMs = performance.now() - loadStarted;
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  client.close();

  const counts: DashboardSeedCounts = {
    articles: articles.length,
    articleViewRows: viewRows.length,
    views: cellViews.reduce((s, n) => s + n, 0),
    leads: leads.length,
    pending: leads.filter((lead) => lead.status === 'pending').length,
    confirmed: leads.filter((lead) => lead.status === 'confirmed').length,
    unsubscribed: leads.filter((lead) => lead.status === 'unsubscribed').length,
    members: members.length,
    linkedMembers: members.filter((member) => member.lead).length,
    subscriptions: subscriptionRows.length,
    paying: entitlementRows.filter((row) => row['status'] !== 'ended').length,
    entitlements: entitlementRows.length,
    sessions: sessionRows.length,
    broadcasts: email.broadcastRows.length,
    campaignViewRows: email.viewRows.length,
    campaignLeads: email.leads,
    campaignMembers: email.members,
    rows:
      viewRows.length +
      leads.length +
      members.length +
      coachRows.length +
      sessionRows.length +
      subscriptionRows.length +
      entitlementRows.length +
      customerRows.length +
      email.broadcastRows.length +
      email.statRows.length +
      email.viewRows.length +
      email.stepRows.length,
  };
  const ms = performance.now() - started;
  console.log(
    `Seeded the dashboard: ${counts.views} views in ${counts.articleViewRows} daily rows (${counts.articles} articles), ` +
      `${counts.leads} leads (${counts.confirmed} confirmed, ${counts.pending} pending, ${counts.unsubscribed} unsubscribed), ` +
      `${counts.members} members (${counts.linkedMembers} from a lead), ${counts.subscriptions} subscriptions ` +
      `(${counts.paying} paying now), ${counts.broadcasts} newsletters (${counts.campaignLeads} leads and ` +
      `${counts.campaignMembers} members from an email's link), 1 coach; ${counts.rows} rows in ${(ms / 1000).toFixed(1)} s ` +
      `(generated ${(generatedMs / 1000).toFixed(1)} s, loaded ${(loadMs / 1000).toFixed(1)} s)`,
  );
  return { cookie: `session=${sessionId}.${secret}`, counts, from: utcDay(firstDayStart), to: utcDay(todayStart), ms };
}

if (import.meta.main) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/seed-dashboard.ts <migrated database file>');
    process.exit(1);
  }
  const seeded = await seedDashboard(pathToFileURL(resolve(file)).href);
  console.log(JSON.stringify({ ...seeded.counts, from: seeded.from, to: seeded.to, seconds: seeded.ms / 1000 }));
  console.log(`coach cookie: ${seeded.cookie}`);
}
