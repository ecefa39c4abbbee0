/**
 * Whether a member's first comment waits for the coach: the coach's choice (on by default), read
 * when a comment is posted and logged when it changes.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { appSettings, moderationLog } from '../../../db/schema';
import type { Viewer } from './discussion.server';

const HOLD_FIRST_KEY = 'comments.holdFirst';

export async function holdFirstComment(db: Database): Promise<boolean> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, HOLD_FIRST_KEY));
  return row ? row.value === true : true;
}

export async function setHoldFirstComment(db: Database, coach: Viewer, hold: boolean, now = new Date()) {
  await db.transaction(async (tx) => {
    await tx
      .insert(appSettings)
      .values({ key: HOLD_FIRST_KEY, value: hold })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: hold, updatedAt: now } });
    await tx.insert(moderationLog).values({
      actorId: coach.id,
      action: hold ? 'hold-first-on' : 'hold-first-off',
      createdAt: now,
    });
  });
}
