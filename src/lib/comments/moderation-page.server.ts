/** Everything the coach's moderation page shows (src/pages/coach/comments/index.astro). */
import type { AppContext } from '../app/context.server';
import { holdFirstComment } from './hold-first.server';
import { moderationView, workElsewhere, type ModerationView, type QueueCounts } from './moderation-queue';
import { blockedMembers, moderationHistory, moderationQueue, queueCounts } from './moderation.server';

export interface ModerationPage {
  /** The queue or log shown (`?queue=`, else the queue with work). */
  view: ModerationView;
  counts: QueueCounts;
  /** The comments of the queue shown (none on the log). */
  items: Awaited<ReturnType<typeof moderationQueue>>;
  /** The last moderation actions (only on the log). */
  log: Awaited<ReturnType<typeof moderationHistory>>;
  /** The other queues with work, for the note on an empty one. */
  elsewhere: ReturnType<typeof workElsewhere>;
  /** Members who cannot comment. */
  blocked: Awaited<ReturnType<typeof blockedMembers>>;
  /** A member's first comment waits for approval. */
  holdFirst: boolean;
}

export async function loadModerationPage(app: Pick<AppContext, 'db'>, url: URL): Promise<ModerationPage> {
  const { db } = app;
  const [counts, holdFirst, blocked] = await Promise.all([queueCounts(db), holdFirstComment(db), blockedMembers(db)]);
  const view = moderationView(url.searchParams.get('queue'), counts);
  const [items, log] = await Promise.all([
    view === 'log' ? [] : moderationQueue(db, view),
    view === 'log' ? moderationHistory(db) : [],
  ]);
  return { view, counts, items, log, elsewhere: view === 'log' ? [] : workElsewhere(counts, view), blocked, holdFirst };
}
