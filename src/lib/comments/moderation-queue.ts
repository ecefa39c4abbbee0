/** Which moderation queue the coach lands on, and what an empty queue says about the others. */

export type QueueName = 'reported' | 'held' | 'hidden';

/** The most a member may add to a report, for the coach to read (the form's limit and the Action's). */
export const MAX_REPORT_NOTE_LENGTH = 500;
export type QueueCounts = Record<QueueName, number>;

/** The queues that are work for the coach, most urgent first; hidden comments are already dealt with. */
const WORK_QUEUES = ['reported', 'held'] as const;

/** The queue to open when none was asked for: the first one with work, else Reported. */
export function openingQueue(counts: QueueCounts): QueueName {
  return WORK_QUEUES.find((queue) => counts[queue] > 0) ?? 'reported';
}

/** What waits in the work queues other than `current`, for the note on an empty queue. */
export function workElsewhere(counts: QueueCounts, current: QueueName): { queue: QueueName; count: number }[] {
  return WORK_QUEUES.filter((queue) => queue !== current && counts[queue] > 0).map((queue) => ({
    queue,
    count: counts[queue],
  }));
}
