/** The head counts on the coach's dashboard: leads, accounts, paying and grace members, failed email. */
import { and, count, eq, gt, isNull, or } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { entitlements, leads, outbox, users } from '../../../db/schema';

export interface PeopleCounts {
  leads: number;
  members: number;
  /** Coaching open now (paid, within its period). */
  paying: number;
  /** In a grace period after a failed payment. */
  grace: number;
  failedMail: number;
}

export async function peopleCounts(db: Database, now = new Date()): Promise<PeopleCounts> {
  const total = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  const [leadTotal, members, paying, grace, failedMail] = await Promise.all([
    total(db.select({ n: count() }).from(leads)),
    total(db.select({ n: count() }).from(users)),
    total(
      db
        .select({ n: count() })
        .from(entitlements)
        .where(
          and(
            eq(entitlements.status, 'active'),
            or(isNull(entitlements.accessUntil), gt(entitlements.accessUntil, now)),
          ),
        ),
    ),
    total(
      db
        .select({ n: count() })
        .from(entitlements)
        .where(and(eq(entitlements.status, 'grace'), gt(entitlements.accessUntil, now))),
    ),
    total(db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'failed'))),
  ]);
  return { leads: leadTotal, members, paying, grace, failedMail };
}
