/**
 * The morning reminder: once a day, from 8:00 in each member's own zone, one email listing the
 * follow-ups that are due or overdue. A follow-up is named in one reminder only (its step key is
 * stored when it is), and a day gets at most one email, even with several app instances running:
 * the day is claimed with one conditional write before anything is queued. When the coach keeps
 * reminders for Coaching, members without it get none.
 */
import { and, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { AppContext } from '../app/context.server';
import { opportunities, trackerSettings, users } from '../../../db/schema';
import { bucketOf } from './playbook';
import { dueLabel, stepLabel, storedPlan } from './view';
import { localParts } from '../time/zoned-time';
import { coachingLimits, hasCoaching } from '../coaching/entitlements.server';
import { enqueueEmail } from '../email/outbox.server';
import { reminderDigestEmail } from '../email/messages.server';
import { emailOffUrl } from '../email/preferences.server';
import { planKey } from './entries.server';
import { listColumns } from './listing.server';

export const REMINDER_HOUR = 8;

const link = (ctx: AppContext, path: string) => new URL(path, ctx.siteUrl).href;

/** Queues today's reminder for every member whose morning has come; returns how many were queued. */
export async function runReminders(ctx: AppContext): Promise<number> {
  const now = ctx.clock();
  // Anything due before the end of anyone's today is due within the next 38 hours (UTC+14).
  const horizon = new Date(now.getTime() + 38 * 3_600_000);
  const candidates = await ctx.db
    .select({
      ...listColumns,
      userId: opportunities.userId,
      remindedKey: opportunities.remindedKey,
      email: users.email,
      role: users.role,
      timeZone: users.timeZone,
      lastReminderOn: trackerSettings.lastReminderOn,
    })
    .from(opportunities)
    .innerJoin(users, eq(users.id, opportunities.userId))
    .leftJoin(trackerSettings, eq(trackerSettings.userId, opportunities.userId))
    .where(
      and(
        isNotNull(opportunities.planDueAt),
        lte(opportunities.planDueAt, horizon),
        isNull(opportunities.archivedAt),
        eq(users.emailReminders, true),
        isNotNull(users.emailVerifiedAt),
      ),
    );

  const byMember = new Map<string, typeof candidates>();
  for (const row of candidates) {
    const local = localParts(now, row.timeZone);
    if (local.hour < REMINDER_HOUR || row.lastReminderOn === local.date) continue;
    const bucket = bucketOf(storedPlan(row), now, row.timeZone);
    if (bucket !== 'overdue' && bucket !== 'today') continue;
    if (row.remindedKey !== null && row.remindedKey === planKey(row)) continue;
    byMember.set(row.userId, [...(byMember.get(row.userId) ?? []), row]);
  }

  const coachingOnly = byMember.size > 0 && (await coachingLimits(ctx.db)).reminders;
  let queued = 0;
  for (const [userId, rows] of byMember) {
    const first = rows[0]!;
    if (coachingOnly && !(await hasCoaching(ctx.db, { id: userId, role: first.role }, now))) continue;
    const today = localParts(now, first.timeZone).date;
    const content = await reminderDigestEmail({
      siteUrl: ctx.siteUrl,
      trackerUrl: link(ctx, '/tracker'),
      offUrl: emailOffUrl(ctx, 'reminders', userId),
      items: rows.map((row) => ({
        step: stepLabel(row),
        who: `${row.contactName} at ${row.company}`,
        due: dueLabel(row, row.timeZone),
        reason: row.planReason,
        url: link(ctx, `/tracker/o/${row.id}#draft`),
        overdue: bucketOf(storedPlan(row), now, row.timeZone) === 'overdue',
      })),
    });
    const sent = await ctx.db.transaction(async (tx) => {
      // Claim the day: only one instance (and one run) wins it.
      const claimed = await tx
        .insert(trackerSettings)
        .values({ userId, lastReminderOn: today })
        .onConflictDoUpdate({
          target: trackerSettings.userId,
          set: { lastReminderOn: today },
          setWhere: sql`${trackerSettings.lastReminderOn} IS NULL OR ${trackerSettings.lastReminderOn} <> ${today}`,
        })
        .returning({ userId: trackerSettings.userId });
      if (claimed.length === 0) return false;
      for (const row of rows)
        await tx
          .update(opportunities)
          .set({ remindedKey: planKey(row) })
          .where(and(eq(opportunities.id, row.id), eq(opportunities.userId, userId)));
      await enqueueEmail(
        tx,
        {
          idempotencyKey: `reminder:${userId}:${today}`,
          kind: 'tracker-reminder',
          to: first.email,
          userId,
          ...content,
          headers: {
            'List-Unsubscribe': `<${emailOffUrl(ctx, 'reminders', userId)}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          },
        },
        now,
      );
      return true;
    });
    if (sent) queued += 1;
  }
  return queued;
}
