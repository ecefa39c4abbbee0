/**
 * The sequence's rules (src/lib/marketing/sequence.ts): which step a lead gets next, and when,
 * as the coach reorders, adds, pauses and resumes steps, for leads and for members.
 */
import { describe, expect, it } from 'vitest';
import {
  dueAt,
  moved,
  nextSendAt,
  nextStep,
  type Recipient,
  type SequenceStepRule,
} from '../../src/lib/marketing/sequence';

const step = (id: string, position: number, delayDays: number, more: Partial<SequenceStepRule> = {}) =>
  ({ id, kind: 'content', position, delayDays, forMembers: true, pausedAt: null, ...more }) as SequenceStepRule;

const PAUSED = new Date('2026-12-01T00:00:00Z');
const TODAY = [
  step('cheat-sheet', 10, 0, { kind: 'delivery' }),
  step('thank-you-in-practice', 20, 2),
  step('track-your-follow-ups', 30, 6, { forMembers: false }),
];
const LEAD: Recipient = { member: false, sequenceOn: true };
const MEMBER: Recipient = { member: true, sequenceOn: true };
const MEMBER_OFF: Recipient = { member: true, sequenceOn: false };

describe('the next step', () => {
  it.each<[string, SequenceStepRule[], string | null, Recipient, string | undefined]>([
    ['after the sheet, the day-2 email', TODAY, 'cheat-sheet', LEAD, 'thank-you-in-practice'],
    ['after day 2, the invitation', TODAY, 'thank-you-in-practice', LEAD, 'track-your-follow-ups'],
    ['after the last, nothing', TODAY, 'track-your-follow-ups', LEAD, undefined],
    ['without a place, the first content step (never the sheet again)', TODAY, null, LEAD, 'thank-you-in-practice'],
    ['with a place that is gone, from the start', TODAY, 'no-such-step', LEAD, 'thank-you-in-practice'],
    // Moving: the place is kept by identity.
    [
      'moved after the lead’s place, a step is still to come',
      [TODAY[0]!, { ...TODAY[1]!, position: 40 }, TODAY[2]!],
      'track-your-follow-ups',
      LEAD,
      'thank-you-in-practice',
    ],
    [
      'moved before the lead’s place, a step is behind it',
      [TODAY[0]!, TODAY[1]!, { ...TODAY[2]!, position: 15 }],
      'thank-you-in-practice',
      LEAD,
      undefined,
    ],
    // Adding.
    [
      'added before the lead’s place, not sent to it',
      [...TODAY, step('new', 25, 4)],
      'track-your-follow-ups',
      LEAD,
      undefined,
    ],
    [
      'added after the lead’s place, it comes next',
      [...TODAY, step('new', 25, 4)],
      'thank-you-in-practice',
      LEAD,
      'new',
    ],
    ['ties in position go by id', [...TODAY, step('a-tie', 20, 3)], 'cheat-sheet', LEAD, 'a-tie'],
    ['after a tie, the other of the pair', [...TODAY, step('a-tie', 20, 3)], 'a-tie', LEAD, 'thank-you-in-practice'],
    // Pausing.
    [
      'a paused step is passed over',
      [TODAY[0]!, { ...TODAY[1]!, pausedAt: PAUSED }, TODAY[2]!],
      'cheat-sheet',
      LEAD,
      'track-your-follow-ups',
    ],
    [
      'a paused place still counts as the place',
      [TODAY[0]!, { ...TODAY[1]!, pausedAt: PAUSED }, TODAY[2]!],
      'thank-you-in-practice',
      LEAD,
      'track-your-follow-ups',
    ],
    [
      'everything after paused: nothing',
      TODAY.map((s) => ({ ...s, pausedAt: PAUSED })),
      'cheat-sheet',
      LEAD,
      undefined,
    ],
    // Members.
    ['a member gets the steps for members', TODAY, 'cheat-sheet', MEMBER, 'thank-you-in-practice'],
    ['a member does not get the sign-up invitation', TODAY, 'thank-you-in-practice', MEMBER, undefined],
    ['a member with the switch off gets nothing', TODAY, 'cheat-sheet', MEMBER_OFF, undefined],
    [
      'a member skips a leads-only step to the next for members',
      [...TODAY, step('later', 40, 9)],
      'thank-you-in-practice',
      MEMBER,
      'later',
    ],
    [
      'the switch means nothing for a lead',
      TODAY,
      'cheat-sheet',
      { member: false, sequenceOn: false },
      'thank-you-in-practice',
    ],
  ])('%s', (_name, steps, last, recipient, expected) => {
    expect(nextStep(steps, last, recipient)?.id).toBe(expected);
  });
});

describe('when it is due', () => {
  const confirmed = new Date('2026-11-26T09:30:00Z');

  it('counts the step’s days from confirmation, whatever the order', () => {
    expect(dueAt(confirmed, { delayDays: 2 })).toEqual(new Date('2026-11-28T09:30:00Z'));
    expect(nextSendAt(TODAY, 'cheat-sheet', confirmed, LEAD)).toEqual(new Date('2026-11-28T09:30:00Z'));
    expect(nextSendAt(TODAY, 'thank-you-in-practice', confirmed, LEAD)).toEqual(new Date('2026-12-02T09:30:00Z'));
    const swapped = [TODAY[0]!, { ...TODAY[1]!, position: 40 }, TODAY[2]!];
    expect(nextSendAt(swapped, 'cheat-sheet', confirmed, LEAD)).toEqual(new Date('2026-12-02T09:30:00Z'));
  });

  it('is null when the sequence is over for them', () => {
    expect(nextSendAt(TODAY, 'track-your-follow-ups', confirmed, LEAD)).toBeNull();
    expect(nextSendAt(TODAY, 'thank-you-in-practice', confirmed, MEMBER)).toBeNull();
  });
});

describe('moving a step', () => {
  it.each<[string, 'up' | 'down', string | undefined]>([
    ['thank-you-in-practice', 'down', 'track-your-follow-ups'],
    ['track-your-follow-ups', 'up', 'thank-you-in-practice'],
    ['thank-you-in-practice', 'up', undefined], // the sheet stays first
    ['track-your-follow-ups', 'down', undefined], // already last
    ['no-such-step', 'up', undefined],
  ])('%s %s swaps with %s', (id, direction, other) => {
    expect(moved(TODAY, id, direction)?.other.id).toBe(other);
  });
});
