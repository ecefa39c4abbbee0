/**
 * The coach's view of members: who signed up, on which plan, and which article brought them, so
 * the coach can see what the content funnel turns into; and the one change made from there, a
 * member's role. Coach-only callers. `now` is an argument: "on Coaching" means the same moment
 * in the list, its count, the CSV and a member's page.
 *
 * A member's lead is the cheat-sheet request made with their address, linked to them
 * (leads.user_id) once they confirm it or sign in by an emailed link. Addresses are unique in both tables, so there is at most one; the join still
 * takes a single row (the first in the leads_user index, as `memberDetail` does) so a member can
 * never be listed twice, and no sort is needed.
 */
import { and, count, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { comments, entitlements, leads, opportunities, subscriptions, users } from '../../../db/schema';
import { hasAccess, type Entitlement } from '../coaching/billing-rules';
import { entitlementOf } from '../coaching/entitlements.server';
import { leadSourceColumns } from '../leads/lead-source.server';
import { Refusal } from '../app/refusal';
import { MAX_SEARCH_LENGTH } from '../forms/fields';

export const MEMBER_ROLES = ['member', 'coach'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** Where a member stands with Coaching now: never paid, paying, paying late, or no longer paying. */
export const MEMBER_PLANS = ['free', 'coaching', 'grace', 'ended'] as const;
export type MemberPlan = (typeof MEMBER_PLANS)[number];

export const PLAN_LABELS: Record<MemberPlan, string> = {
  free: 'Free',
  coaching: 'Coaching',
  grace: 'Coaching, payment failed',
  ended: 'Coaching ended',
};

export interface MemberFilter {
  /** Part of the email address or the name, as typed. */
  search?: string | undefined;
  role?: MemberRole | undefined;
  plan?: MemberPlan | undefined;
  /** The slug of the article whose cheat-sheet form they used before joining. */
  article?: string | undefined;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return (values as readonly string[]).includes(value ?? '') ? (value as T) : undefined;
}

/** Reads the filter from the page's query string, ignoring anything malformed. */
export function memberFilterFrom(params: URLSearchParams): MemberFilter {
  const article = params.get('source')?.trim() ?? '';
  return {
    search: params.get('q')?.trim().slice(0, MAX_SEARCH_LENGTH) || undefined,
    role: oneOf(MEMBER_ROLES, params.get('role')),
    plan: oneOf(MEMBER_PLANS, params.get('plan')),
    article: article.length <= 120 && SLUG.test(article) ? article : undefined,
  };
}

/** The plan of an entitlement row (or of none), by the same rule as `planSql`. */
export function planOf(entitlement: Pick<Entitlement, 'status' | 'accessUntil'> | undefined, now: Date): MemberPlan {
  if (!entitlement) return 'free';
  if (!hasAccess(entitlement, now)) return 'ended';
  return entitlement.status === 'grace' ? 'grace' : 'coaching';
}

/** `planOf` in SQL, over the LEFT JOINed entitlements row; access as `hasAccess` decides it. */
function planSql(now: Date): SQL<MemberPlan> {
  const open = sql`(${entitlements.accessUntil} IS NULL OR ${entitlements.accessUntil} > ${now.getTime()})`;
  return sql<MemberPlan>`CASE
    WHEN ${entitlements.userId} IS NULL THEN 'free'
    WHEN ${entitlements.status} = 'active' AND ${open} THEN 'coaching'
    WHEN ${entitlements.status} = 'grace' AND ${open} THEN 'grace'
    ELSE 'ended' END`;
}

/** Joins a member's lead: one row, found through the leads_user index. */
const theirLead = sql`${leads.id} = (SELECT l.id FROM leads l WHERE l.user_id = ${users.id} LIMIT 1)`;

/** A LIKE pattern matching the text anywhere, with the text's own % _ and \ taken literally. */
const containing = (text: string) => `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;

function where(filter: MemberFilter, now: Date): SQL | undefined {
  const conditions: SQL[] = [];
  if (filter.search) {
    const pattern = containing(filter.search);
    conditions.push(sql`(${users.email} LIKE ${pattern} ESCAPE '\\' OR ${users.name} LIKE ${pattern} ESCAPE '\\')`);
  }
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.plan) conditions.push(sql`${planSql(now)} = ${filter.plan}`);
  if (filter.article) conditions.push(eq(leads.sourceArticle, filter.article));
  return conditions.length ? and(...conditions) : undefined;
}

/** What the list and the CSV show of each member. */
const columns = (now: Date) => ({
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  createdAt: users.createdAt,
  emailVerifiedAt: users.emailVerifiedAt,
  commentingBlockedAt: users.commentingBlockedAt,
  plan: planSql(now),
  leadId: leads.id,
  sourceArticle: leads.sourceArticle,
  sourcePath: leads.sourcePath,
  utmSource: leads.utmSource,
  utmMedium: leads.utmMedium,
  utmCampaign: leads.utmCampaign,
  consentAt: leads.consentAt,
});

export type MemberRow = Awaited<ReturnType<typeof allMembers>>[number];

function selectMembers(db: Database, filter: MemberFilter, now: Date) {
  return db
    .select(columns(now))
    .from(users)
    .leftJoin(entitlements, eq(entitlements.userId, users.id))
    .leftJoin(leads, theirLead)
    .where(where(filter, now))
    .orderBy(desc(users.createdAt))
    .$dynamic();
}

/** One page of the members matching the filter, newest first, and how many match in all. */
export async function listMembers(db: Database, filter: MemberFilter, page: number, pageSize = 50, now = new Date()) {
  const [rows, [total]] = await Promise.all([
    selectMembers(db, filter, now)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    countMembers(db, filter, now),
  ]);
  return { rows, total: total?.n ?? 0 };
}

/** How many members match, joining only the tables the filter reads. */
function countMembers(db: Database, filter: MemberFilter, now: Date) {
  let query = db.select({ n: count() }).from(users).$dynamic();
  if (filter.plan) query = query.leftJoin(entitlements, eq(entitlements.userId, users.id));
  if (filter.article) query = query.leftJoin(leads, theirLead);
  return query.where(where(filter, now));
}

/** Every member matching the filter, newest first: the CSV export. */
export async function allMembers(db: Database, filter: MemberFilter, now = new Date()) {
  return selectMembers(db, filter, now);
}

/** Everything the member page shows about one member, or undefined when there is no such member. */
export async function memberDetail(db: Database, id: string, now = new Date()) {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      timeZone: users.timeZone,
      emailVerifiedAt: users.emailVerifiedAt,
      commentingBlockedAt: users.commentingBlockedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, id))
    .limit(1);
  if (!user) return undefined;
  const [[lead], entitlement, memberSubscriptions, [entries], [written]] = await Promise.all([
    db
      .select({
        ...leadSourceColumns(),
        status: leads.status,
        createdAt: leads.createdAt,
        confirmedAt: leads.confirmedAt,
      })
      .from(leads)
      .where(eq(leads.userId, id))
      .limit(1),
    entitlementOf(db, id),
    db
      .select({
        id: subscriptions.id,
        status: subscriptions.status,
        interval: subscriptions.interval,
        currentPeriodEnd: subscriptions.currentPeriodEnd,
        cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      })
      .from(subscriptions)
      .where(eq(subscriptions.userId, id))
      .orderBy(desc(subscriptions.createdAt)),
    db.select({ n: count() }).from(opportunities).where(eq(opportunities.userId, id)),
    db.select({ n: count() }).from(comments).where(eq(comments.userId, id)),
  ]);
  return {
    user,
    lead,
    entitlement,
    plan: planOf(entitlement, now),
    subscriptions: memberSubscriptions,
    counts: { trackerEntries: entries?.n ?? 0, comments: written?.n ?? 0 },
  };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof memberDetail>>>;

/**
 * Gives or takes away the coach role; refused when there is no such member. A new coach is never
 * stopped from commenting (moderation only applies to members, so nobody could undo it).
 */
export async function setMemberRole(db: Database, userId: string, role: MemberRole, now = new Date()): Promise<void> {
  const updated = await db
    .update(users)
    .set({ role, updatedAt: now, ...(role === 'coach' ? { commentingBlockedAt: null } : {}) })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  if (updated.length === 0) throw new Refusal('not-found', 'member-missing', 'There is no member with that id.');
}
