/**
 * The rules of the cheat-sheet sequence, as the coach edits it: which step a lead gets next and
 * when. Pure; src/lib/marketing/sequence.server.ts stores the steps and sends them.
 *
 * A lead's place is the step last queued for it, kept by identity, never by number: reordering
 * steps or adding one before its place sends it nothing again, and a step added after its place
 * is still to come. Each step is due a number of days after the lead confirmed, whatever the
 * order. The delivery step (the cheat sheet itself) goes out on confirmation, never from here.
 */

export const DAY_MS = 86_400_000;
/** The longest a step can wait after confirmation. */
export const MAX_DELAY_DAYS = 60;

export interface SequenceStepRule {
  id: string;
  kind: 'delivery' | 'content';
  position: number;
  delayDays: number;
  forMembers: boolean;
  pausedAt: Date | null;
}

/** Who the lead is now: a member gets only the steps meant for members, and only with their switch on. */
export interface Recipient {
  member: boolean;
  /** The member's "cheat-sheet series" switch (users.email_sequence); ignored for a lead. */
  sequenceOn: boolean;
}

/** The order the coach sees and the sequence follows: position, then id for steps at the same place. */
export function compareSteps(
  a: Pick<SequenceStepRule, 'id' | 'position'>,
  b: Pick<SequenceStepRule, 'id' | 'position'>,
) {
  return a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function inOrder<T extends Pick<SequenceStepRule, 'id' | 'position'>>(steps: readonly T[]): T[] {
  return [...steps].sort(compareSteps);
}

/** Whether this person still gets this step (paused steps are passed over by everyone). */
export function sendsTo(step: SequenceStepRule, recipient: Recipient): boolean {
  if (step.kind !== 'content' || step.pausedAt !== null) return false;
  return !recipient.member || (step.forMembers && recipient.sequenceOn);
}

/**
 * The step after `lastStepId` that this person gets, or undefined when the sequence is over for
 * them. Without a place (null, or a step id that is not there) they start from the beginning.
 */
export function nextStep<T extends SequenceStepRule>(
  steps: readonly T[],
  lastStepId: string | null,
  recipient: Recipient,
): T | undefined {
  const ordered = inOrder(steps);
  const last = lastStepId === null ? undefined : ordered.find((step) => step.id === lastStepId);
  return ordered.find((step) => (!last || compareSteps(step, last) > 0) && sendsTo(step, recipient));
}

/** When a step is due for a lead: its delay, counted from the moment the lead confirmed. */
export function dueAt(confirmedAt: Date, step: Pick<SequenceStepRule, 'delayDays'>): Date {
  return new Date(confirmedAt.getTime() + step.delayDays * DAY_MS);
}

/** The next step and its time, or null when there is none: what leads.next_nurture_at holds. */
export function nextSendAt(
  steps: readonly SequenceStepRule[],
  lastStepId: string | null,
  confirmedAt: Date,
  recipient: Recipient,
): Date | null {
  const step = nextStep(steps, lastStepId, recipient);
  return step ? dueAt(confirmedAt, step) : null;
}

/** The steps in order with the position a move up or down gives them, or undefined at either end. */
export function moved<T extends SequenceStepRule>(
  steps: readonly T[],
  id: string,
  direction: 'up' | 'down',
): { step: T; other: T } | undefined {
  const ordered = inOrder(steps);
  const index = ordered.findIndex((step) => step.id === id);
  if (index < 0) return undefined;
  const other = ordered[direction === 'up' ? index - 1 : index + 1];
  // The delivery step stays first: nothing moves above it.
  if (!other || other.kind === 'delivery') return undefined;
  return { step: ordered[index]!, other };
}
