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

/** What the moderation page shows: one of the queues, or the log of what coaches did. */
export type ModerationView = QueueName | 'log';

/** The view asked for in `?queue=`, else the queue to open (`openingQueue`). */
export function moderationView(param: string | null, counts: QueueCounts): ModerationView {
  return param === 'reported' || param === 'held' || param === 'hidden' || param === 'log'
    ? param
    : openingQueue(counts);
}

/** The page's tabs, each with its label and the number waiting in it. */
export function moderationTabs(counts: QueueCounts): [ModerationView, string][] {
  return [
    ['reported', `Reported (${counts.reported})`],
    ['held', `Waiting for approval (${counts.held})`],
    ['hidden', `Hidden (${counts.hidden})`],
    ['log', 'Log'],
  ];
}

/** What an empty queue says. */
export const EMPTY_QUEUE_NOTES: Readonly<Record<QueueName, string>> = {
  reported: 'Nothing reported.',
  held: 'Nothing waiting for approval.',
  hidden: 'No hidden comments.',
};

/** The link to another queue with work, on an empty one: "2 comments are reported". */
export function waitingIn(queue: QueueName, n: number): string {
  if (queue === 'reported') return n === 1 ? '1 comment is reported' : `${n} comments are reported`;
  if (queue === 'held') return n === 1 ? '1 comment is waiting for approval' : `${n} comments are waiting for approval`;
  return `${n} hidden`;
}

/** The reasons a member can give for a report, as the coach reads them. */
export const REPORT_REASON_LABELS: Readonly<Record<string, string>> = {
  spam: 'Spam',
  abuse: 'Abusive',
  'off-topic': 'Off topic',
  other: 'Other',
};
