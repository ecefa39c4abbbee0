/**
 * The people an audience names, as one SQL query: the editor counts it, and queueing a broadcast
 * pages through the same query, so the number the coach saw is the number that is queued (give or
 * take whoever joins or leaves in between).
 *
 * The people are confirmed leads who agreed to newsletters (for "everyone" and "leads") and verified members
 * with the newsletter switched on (for every kind but "leads"; Coaching members are those whose Coaching is
 * active now, as the dashboard counts them). "Came from" reads the lead's source article, a
 * member's through the cheat-sheet request linked to their account; the signup dates are UTC days,
 * as on the coach's other pages. Then anyone is dropped whose address is suppressed (a hard bounce
 * or a complaint), who unsubscribed as a lead, or who switched the newsletter off as a member, and
 * an address is one recipient however many ways it is in.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import type { Audience } from './audience.ts';

export interface AudienceContext {
  now: Date;
  /** The articles carrying the audience's tag (from the content collection), when it has one. */
  tagArticles?: readonly string[] | undefined;
}

export interface Recipient {
  email: string;
  /** The cheat-sheet request of this address: its unsubscribe link is the lead's own. */
  leadId: string | null;
  /** The member with this address. */
  userId: string | null;
}

const DAY_MS = 86_400_000;
const dayStart = (date: string) => Date.parse(`${date}T00:00:00Z`);

/** The source articles an audience narrows to: undefined for any, an empty list for none. */
function articlesOf(audience: Audience, context: AudienceContext): readonly string[] | undefined {
  if (audience.article) return [audience.article];
  if (audience.tag) return context.tagArticles ?? [];
  return undefined;
}

function inList(column: SQL, values: readonly string[]): SQL {
  if (values.length === 0) return sql`0`;
  return sql`${column} IN (${sql.join(
    values.map((value) => sql`${value}`),
    sql`, `,
  )})`;
}

/** The conditions on one arm: came from, and signed up between the days (inclusive). */
function narrowing(audience: Audience, context: AudienceContext, source: SQL, created: SQL): SQL[] {
  const conditions: SQL[] = [];
  const articles = articlesOf(audience, context);
  if (articles) conditions.push(inList(source, articles));
  if (audience.from) conditions.push(sql`${created} >= ${dayStart(audience.from)}`);
  if (audience.to) conditions.push(sql`${created} < ${dayStart(audience.to) + DAY_MS}`);
  return conditions;
}

const and = (conditions: SQL[]) => sql.join(conditions, sql` AND `);

/**
 * The audience's recipients, one row per address: `email`, `lead_id`, `user_id`. Used as a
 * subquery by countAudience and recipientsPage.
 */
export function audienceQuery(audience: Audience, context: AudienceContext): SQL {
  const arms: SQL[] = [];
  if (audience.kind === 'everyone' || audience.kind === 'leads') {
    const conditions = [
      sql`l.status = 'confirmed'`,
      sql`l.newsletter_consent = 1`,
      ...narrowing(audience, context, sql`l.source_article`, sql`l.created_at`),
    ];
    arms.push(sql`SELECT l.email AS email, l.id AS lead_id, NULL AS user_id FROM leads l WHERE ${and(conditions)}`);
  }
  // The readers alone: members are in it through their own cheat-sheet request only.
  if (audience.kind === 'leads') return recipientsOf(arms);
  const memberConditions = [
    sql`u.email_verified_at IS NOT NULL`,
    sql`u.email_coach = 1`,
    ...narrowing(audience, context, sql`l.source_article`, sql`u.created_at`),
  ];
  if (articlesOf(audience, context)) {
    // Every status and consent (a no-op), so the members' requests are found by article on the
    // audience index rather than by reading every lead.
    memberConditions.push(
      sql`l.status IN ('pending', 'confirmed', 'unsubscribed')`,
      sql`l.newsletter_consent IN (0, 1)`,
    );
  }
  // Narrowed to an article, a member is reached through their cheat-sheet request (an inner join).
  const join = articlesOf(audience, context) ? sql`JOIN` : sql`LEFT JOIN`;
  // Coaching members are read from the (few) entitlements first, then their accounts by id.
  const from =
    audience.kind === 'coaching'
      ? sql`entitlements e CROSS JOIN users u ON u.id = e.user_id AND ((e.status = 'active' AND (e.access_until IS NULL OR e.access_until > ${context.now.getTime()})) OR (e.status = 'grace' AND e.access_until > ${context.now.getTime()}))`
      : sql`users u`;
  arms.push(
    sql`SELECT u.email AS email, l.id AS lead_id, u.id AS user_id FROM ${from} ${join} leads l ON l.user_id = u.id WHERE ${and(memberConditions)}`,
  );
  return recipientsOf(arms);
}

/** One row per address of the arms, without anyone suppressed, unsubscribed or switched off. */
function recipientsOf(arms: SQL[]): SQL {
  return sql`SELECT r.email AS email, max(r.lead_id) AS lead_id, max(r.user_id) AS user_id FROM (${sql.join(
    arms,
    sql` UNION ALL `,
  )}) AS r
    WHERE NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = r.email)
      AND NOT EXISTS (SELECT 1 FROM leads x WHERE x.email = r.email AND x.status = 'unsubscribed')
      AND NOT EXISTS (SELECT 1 FROM users y WHERE y.email = r.email AND y.email_coach = 0)
    GROUP BY r.email`;
}

/**
 * Confirmed leads the audience would reach but for their consent, given before it covered
 * newsletters (and not reached another way, as a member). Zero for members-only audiences.
 */
export function leftOutQuery(audience: Audience, context: AudienceContext): SQL | undefined {
  if (audience.kind !== 'everyone' && audience.kind !== 'leads') return undefined;
  const conditions = [
    sql`l.status = 'confirmed'`,
    sql`l.newsletter_consent = 0`,
    ...narrowing(audience, context, sql`l.source_article`, sql`l.created_at`),
    sql`NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = l.email)`,
    sql`l.email NOT IN (SELECT email FROM (${audienceQuery(audience, context)}))`,
  ];
  return sql`SELECT count(*) AS n FROM leads l WHERE ${and(conditions)}`;
}

export interface AudienceCount {
  /** The addresses that would get it. */
  recipients: number;
  /** Confirmed leads left out because their consent predates newsletters. */
  leftOutForConsent: number;
}

export async function countAudience(
  db: Database,
  audience: Audience,
  context: AudienceContext,
): Promise<AudienceCount> {
  const [counted] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM (${audienceQuery(audience, context)})`);
  const leftOut = leftOutQuery(audience, context);
  const [left] = leftOut ? await db.all<{ n: number }>(leftOut) : [{ n: 0 }];
  return { recipients: Number(counted?.n ?? 0), leftOutForConsent: Number(left?.n ?? 0) };
}

/** The next `limit` recipients after the address `after`, in address order (a keyset page). */
export async function recipientsPage(
  db: Database,
  audience: Audience,
  context: AudienceContext,
  after: string,
  limit: number,
): Promise<Recipient[]> {
  const rows = await db.all<{ email: string; lead_id: string | null; user_id: string | null }>(
    sql`SELECT email, lead_id, user_id FROM (${audienceQuery(audience, context)}) WHERE email > ${after} ORDER BY email LIMIT ${limit}`,
  );
  return rows.map((row) => ({ email: row.email, leadId: row.lead_id, userId: row.user_id }));
}
