import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  nextStep,
  planNextStep,
  type Bucket,
  type Plan,
  type PlaybookInput,
} from '../../src/lib/tracker/playbook';
import {
  ENDED_STAGES,
  OPPORTUNITY_KINDS,
  STAGES,
  STEP_IDS,
  type ConversationRecord,
  type OpportunityKind,
  type Stage,
  type StepId,
  type TouchRecord,
} from '../../src/lib/tracker/model';
import { addDays, isWorkingDay, localDate, localParts } from '../../src/lib/time/zoned-time';
import { sent, talk } from '../fixtures/tracker-history.ts';

// ---- Building histories ----

const reply = (at: string, decisionBy: string | null = null): TouchRecord => ({
  type: 'reply',
  step: null,
  at: new Date(at),
  decisionBy,
});

function history(
  kind: OpportunityKind,
  conversations: ConversationRecord[],
  touches: TouchRecord[] = [],
  timeZone = 'Europe/London',
  stage: Stage = 'open',
): PlaybookInput {
  return { kind, stage, conversations, touches, timeZone };
}

const interview = (conversations: ConversationRecord[], touches: TouchRecord[] = [], timeZone?: string) =>
  history('interview', conversations, touches, timeZone);
const networking = (conversations: ConversationRecord[], touches: TouchRecord[] = [], timeZone?: string) =>
  history('networking', conversations, touches, timeZone);

// An interview process in London in winter, where local time is UTC. Tue 24 Nov 2026, 3 pm.
const INTERVIEW = '2026-11-24T15:00:00.000Z';
const THANKED = sent('thank-you', '2026-11-24T18:00:00.000Z');
const CHECK_IN_1 = sent('first-check-in', '2026-11-30T10:00:00.000Z'); // Mon
const CHECK_IN_2 = sent('persistent-check-in', '2026-12-07T10:00:00.000Z'); // Mon
const CHECK_IN_3 = sent('persistent-check-in', '2026-12-21T10:00:00.000Z'); // Mon
const CLOSED = sent('close-the-loop', '2027-01-05T10:00:00.000Z');
const SECOND_ROUND = '2026-12-08T14:00:00.000Z'; // Tue

// A networking call, Tue 24 Nov 2026, 2 pm London.
const CALL = '2026-11-24T14:00:00.000Z';
const SUMMARY = sent('networking-summary', '2026-11-25T10:00:00.000Z'); // Wed
const OFFER_1 = sent('offer-value', '2026-12-16T10:00:00.000Z'); // Wed
const OFFER_2 = sent('offer-value', '2027-01-27T10:00:00.000Z'); // Wed

interface StepCase {
  name: string;
  input: PlaybookInput;
  now: string;
  step: StepId;
  dueAt: string;
  earliestAt?: string;
  basedOn?: string;
  checkIns?: number;
  bucket: Bucket;
  reason: string;
  warnings?: string[];
}

function expectStep(c: StepCase) {
  const result = nextStep(c.input, new Date(c.now));
  const plan = result.plan;
  if (plan.state !== 'step') throw new Error(`expected a step, got ${plan.state}`);
  expect(plan.step).toBe(c.step);
  expect(plan.dueAt.toISOString()).toBe(c.dueAt);
  expect(plan.precision).toBe(c.step === 'thank-you' ? 'time' : 'day');
  if (c.earliestAt) expect(plan.earliestAt.toISOString()).toBe(c.earliestAt);
  if (c.basedOn) expect(plan.basedOn.toISOString()).toBe(c.basedOn);
  if (c.checkIns !== undefined) expect(plan.checkInsWithoutReply).toBe(c.checkIns);
  expect(result.bucket).toBe(c.bucket);
  expect(result.reason).toBe(c.reason);
  expect(result.warnings.map((warning) => warning.code)).toEqual(c.warnings ?? []);
  expect(planNextStep(c.input)).toEqual(plan);
}

describe('an interview process', () => {
  it.each<StepCase>([
    {
      name: 'a thank-you is due 24 hours after the interview',
      input: interview([talk(INTERVIEW)]),
      now: '2026-11-24T16:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-11-25T15:00:00.000Z',
      earliestAt: INTERVIEW,
      basedOn: INTERVIEW,
      checkIns: 0,
      bucket: 'today',
      reason: 'Thank-you due by Wed 25 Nov, 3:00 pm, 24 hours after your interview.',
    },
    {
      name: 'a check-in about a week later when no timeline was given',
      input: interview([talk(INTERVIEW)], [THANKED]),
      now: '2026-11-27T10:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-01T23:59:59.999Z',
      earliestAt: '2026-11-27T00:00:00.000Z',
      basedOn: INTERVIEW,
      checkIns: 0,
      bucket: 'upcoming',
      reason: 'Check-in due Tue 1 Dec, about a week after your interview, as no timeline was given.',
    },
    {
      name: 'a check-in the working day after a stated timeline on a Friday: the Monday',
      input: interview([talk(INTERVIEW, '2026-11-27')], [THANKED]),
      now: '2026-11-30T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-11-30T23:59:59.999Z',
      earliestAt: '2026-11-30T00:00:00.000Z',
      basedOn: INTERVIEW,
      bucket: 'today',
      reason: 'Check-in due Mon 30 Nov, the working day after the date they gave (Fri 27 Nov).',
    },
    {
      name: 'a second check-in 5 working days after the first',
      input: interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1]),
      now: '2026-12-04T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-07T23:59:59.999Z',
      earliestAt: '2026-12-03T00:00:00.000Z',
      basedOn: CHECK_IN_1.at.toISOString(),
      checkIns: 1,
      bucket: 'upcoming',
      reason: 'Follow-up check-in due Mon 7 Dec, 5 working days after your last check-in.',
    },
    {
      name: 'a third check-in 10 working days after the second',
      input: interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2]),
      now: '2026-12-22T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-21T23:59:59.999Z',
      earliestAt: '2026-12-10T00:00:00.000Z',
      basedOn: CHECK_IN_2.at.toISOString(),
      checkIns: 2,
      bucket: 'overdue',
      reason: 'Follow-up check-in due Mon 21 Dec, 10 working days after your last check-in.',
      warnings: ['late'],
    },
    {
      name: 'a graceful close 10 working days after the third check-in',
      input: interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3]),
      now: '2027-01-04T12:00:00.000Z',
      step: 'close-the-loop',
      dueAt: '2027-01-04T23:59:59.999Z',
      earliestAt: '2026-12-24T00:00:00.000Z',
      basedOn: CHECK_IN_3.at.toISOString(),
      checkIns: 3,
      bucket: 'today',
      reason: 'A graceful close due Mon 4 Jan, after three check-ins without a reply.',
      warnings: ['graceful-close'],
    },
    {
      name: 'a message outside the playbook counts as a check-in',
      input: interview([talk(INTERVIEW)], [THANKED, sent(null, '2026-11-30T10:00:00.000Z')]),
      now: '2026-12-04T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-07T23:59:59.999Z',
      checkIns: 1,
      bucket: 'upcoming',
      reason: 'Follow-up check-in due Mon 7 Dec, 5 working days after your last check-in.',
    },
    {
      name: 'a thank-you sent late does not count as a check-in',
      input: interview([talk(INTERVIEW)], [CHECK_IN_1, sent('thank-you', '2026-12-01T10:00:00.000Z')]),
      now: '2026-12-04T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-07T23:59:59.999Z',
      basedOn: CHECK_IN_1.at.toISOString(),
      checkIns: 1,
      bucket: 'upcoming',
      reason: 'Follow-up check-in due Mon 7 Dec, 5 working days after your last check-in.',
    },
    {
      name: 'a fourth check-in still leads to a graceful close, counted',
      input: interview(
        [talk(INTERVIEW)],
        [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3, sent(null, '2026-12-28T10:00:00.000Z')],
      ),
      now: '2027-01-04T12:00:00.000Z',
      step: 'close-the-loop',
      dueAt: '2027-01-11T23:59:59.999Z',
      checkIns: 4,
      bucket: 'upcoming',
      reason: 'A graceful close due Mon 11 Jan, after four check-ins without a reply.',
      warnings: ['graceful-close'],
    },
  ])('$name', expectStep);

  it('waits politely once the loop is closed', () => {
    const result = nextStep(
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3, CLOSED]),
      new Date('2027-02-01T09:00:00.000Z'),
    );
    expect(result).toEqual({
      plan: { state: 'waiting', since: CLOSED.at },
      bucket: 'none',
      reason: 'You closed the loop politely: nothing more is due unless they reply or you talk again.',
      warnings: [],
    });
  });
});

describe('a reply', () => {
  const REPLY = '2026-12-02T09:30:00.000Z'; // Wed

  it.each([
    ['interview', interview([talk(INTERVIEW)], [THANKED, reply(REPLY)])],
    ['interview, after check-ins', interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, reply(REPLY)])],
    ['networking', networking([talk(CALL)], [SUMMARY, reply(REPLY)])],
    ['networking, even with a date in it', networking([talk(CALL)], [SUMMARY, reply(REPLY, '2026-12-11')])],
    ['interview, before any thank-you', interview([talk(INTERVIEW)], [reply(REPLY)])],
  ])('pauses the schedule (%s)', (_name, input) => {
    const result = nextStep(input, new Date('2026-12-20T09:00:00.000Z'));
    expect(result).toEqual({
      plan: { state: 'paused', since: new Date(REPLY) },
      bucket: 'none',
      reason:
        'They replied on Wed 2 Dec: the schedule is paused. Log your next conversation, or the new date they gave, to restart it.',
      warnings: [],
    });
  });

  it.each<StepCase>([
    {
      name: 'with a new date restarts at the working day after it, check-ins before it forgotten',
      input: interview([talk(INTERVIEW, '2026-11-27')], [THANKED, CHECK_IN_1, reply(REPLY, '2026-12-11')]),
      now: '2026-12-03T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-14T23:59:59.999Z',
      earliestAt: '2026-12-14T00:00:00.000Z',
      basedOn: REPLY,
      checkIns: 0,
      bucket: 'upcoming',
      reason: 'Check-in due Mon 14 Dec, the working day after the date they gave (Fri 11 Dec).',
      warnings: ['too-soon'],
    },
    {
      name: 'with a new date before any thank-you skips the thank-you',
      input: interview([talk(INTERVIEW)], [reply('2026-11-25T09:00:00.000Z', '2026-12-04')]),
      now: '2026-11-25T10:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-07T23:59:59.999Z',
      basedOn: '2026-11-25T09:00:00.000Z',
      bucket: 'upcoming',
      reason: 'Check-in due Mon 7 Dec, the working day after the date they gave (Fri 4 Dec).',
      warnings: ['too-soon'],
    },
    {
      name: 'with a date that had already passed: the working day after the reply',
      input: interview([talk(INTERVIEW)], [THANKED, reply(REPLY, '2026-11-27')]),
      now: '2026-12-03T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-03T23:59:59.999Z',
      earliestAt: '2026-12-03T00:00:00.000Z',
      basedOn: REPLY,
      bucket: 'today',
      reason:
        'Check-in due Thu 3 Dec, the working day after their reply, as the date they gave (Fri 27 Nov) had already passed.',
    },
    {
      name: 'without a date, then a thank-you: about a week after their reply',
      input: interview([talk(INTERVIEW)], [reply(REPLY), sent('thank-you', '2026-12-02T10:00:00.000Z')]),
      now: '2026-12-03T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-09T23:59:59.999Z',
      earliestAt: '2026-12-07T00:00:00.000Z',
      basedOn: REPLY,
      bucket: 'upcoming',
      reason: 'Check-in due Wed 9 Dec, about a week after their reply, as no timeline was given.',
      warnings: ['too-soon'],
    },
    {
      name: 'without a date, then a check-in: the next one is spaced from that check-in',
      input: interview([talk(INTERVIEW)], [THANKED, reply(REPLY), sent('first-check-in', '2026-12-09T10:00:00.000Z')]),
      now: '2026-12-14T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-16T23:59:59.999Z',
      basedOn: '2026-12-09T10:00:00.000Z',
      checkIns: 1,
      bucket: 'upcoming',
      reason: 'Follow-up check-in due Wed 16 Dec, 5 working days after your last check-in.',
    },
    {
      name: 'to a networking contact, then a summary: an offer-value note 3 weeks on',
      input: networking([talk(CALL)], [reply('2026-11-25T08:00:00.000Z'), SUMMARY]),
      now: '2026-12-03T09:00:00.000Z',
      step: 'offer-value',
      dueAt: '2026-12-16T23:59:59.999Z',
      basedOn: SUMMARY.at.toISOString(),
      checkIns: 0,
      bucket: 'upcoming',
      reason: 'Offer-value note due Wed 16 Dec, 3 weeks after your last message.',
    },
    {
      name: 'to a networking contact, then a note: the next note 6 weeks on',
      input: networking(
        [talk(CALL)],
        [SUMMARY, reply('2026-12-01T09:00:00.000Z'), sent(null, '2026-12-02T10:00:00.000Z')],
      ),
      now: '2026-12-03T09:00:00.000Z',
      step: 'offer-value',
      dueAt: '2027-01-13T23:59:59.999Z',
      earliestAt: '2026-12-16T00:00:00.000Z',
      checkIns: 1,
      bucket: 'upcoming',
      reason: 'Offer-value note due Wed 13 Jan, 6 weeks after your last message.',
      warnings: ['too-soon'],
    },
  ])('$name', expectStep);
});

describe('several interview rounds', () => {
  const FIRST_ROUND_HISTORY = [THANKED, CHECK_IN_1, reply('2026-12-02T09:30:00.000Z'), CHECK_IN_2];

  it.each<StepCase>([
    {
      name: 'a new round restarts with a thank-you, earlier touches ignored',
      input: interview([talk(INTERVIEW, '2026-11-27'), talk(SECOND_ROUND)], FIRST_ROUND_HISTORY),
      now: '2026-12-08T16:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-12-09T14:00:00.000Z',
      basedOn: SECOND_ROUND,
      checkIns: 0,
      bucket: 'today',
      reason: 'Thank-you due by Wed 9 Dec, 2:00 pm, 24 hours after your interview.',
    },
    {
      name: 'a closed loop in an earlier round does not stop the new one',
      input: interview(
        [talk(SECOND_ROUND), talk(INTERVIEW)],
        [...FIRST_ROUND_HISTORY, sent('close-the-loop', '2026-12-07T12:00:00.000Z')],
      ),
      now: '2026-12-08T16:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-12-09T14:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Wed 9 Dec, 2:00 pm, 24 hours after your interview.',
    },
    {
      name: "the new round's timeline is used, not the first round's",
      input: interview(
        [talk(INTERVIEW, '2026-11-27'), talk(SECOND_ROUND, '2026-12-17')],
        [...FIRST_ROUND_HISTORY, sent('thank-you', '2026-12-08T17:00:00.000Z')],
      ),
      now: '2026-12-18T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-18T23:59:59.999Z',
      basedOn: SECOND_ROUND,
      checkIns: 0,
      bucket: 'today',
      reason: 'Check-in due Fri 18 Dec, the working day after the date they gave (Thu 17 Dec).',
    },
    {
      name: 'a new round without a timeline waits about a week even if the first had one',
      input: interview(
        [talk(INTERVIEW, '2026-11-27'), talk(SECOND_ROUND)],
        [...FIRST_ROUND_HISTORY, sent('thank-you', '2026-12-08T17:00:00.000Z')],
      ),
      now: '2026-12-09T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-15T23:59:59.999Z',
      earliestAt: '2026-12-11T00:00:00.000Z',
      bucket: 'upcoming',
      reason: 'Check-in due Tue 15 Dec, about a week after your interview, as no timeline was given.',
      warnings: ['too-soon'],
    },
  ])('$name', expectStep);
});

describe('a networking relationship', () => {
  it.each<StepCase>([
    {
      name: 'a summary is due by the end of the next working day',
      input: networking([talk(CALL)]),
      now: '2026-11-25T09:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-11-25T23:59:59.999Z',
      earliestAt: CALL,
      basedOn: CALL,
      checkIns: 0,
      bucket: 'today',
      reason: 'Summary and next steps due by Wed 25 Nov, a working day after your call.',
    },
    {
      name: 'a call on a Friday: the summary is due Monday, end of day',
      input: networking([talk('2026-11-27T14:00:00.000Z')]),
      now: '2026-11-27T15:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-11-30T23:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Mon 30 Nov, a working day after your call.',
    },
    {
      name: 'an offer-value note 15 working days after the summary',
      input: networking([talk(CALL)], [SUMMARY]),
      now: '2026-12-03T09:00:00.000Z',
      step: 'offer-value',
      dueAt: '2026-12-16T23:59:59.999Z',
      earliestAt: '2026-12-02T00:00:00.000Z',
      basedOn: SUMMARY.at.toISOString(),
      checkIns: 0,
      bucket: 'upcoming',
      reason: 'Offer-value note due Wed 16 Dec, 3 weeks after your last message.',
    },
    {
      name: 'a second offer-value note 30 working days after the first',
      input: networking([talk(CALL)], [SUMMARY, OFFER_1]),
      now: '2027-01-28T09:00:00.000Z',
      step: 'offer-value',
      dueAt: '2027-01-27T23:59:59.999Z',
      earliestAt: '2026-12-30T00:00:00.000Z',
      basedOn: OFFER_1.at.toISOString(),
      checkIns: 1,
      bucket: 'overdue',
      reason: 'Offer-value note due Wed 27 Jan, 6 weeks after your last message.',
      warnings: ['late'],
    },
    {
      name: 'a summary is still owed when a note went first',
      input: networking([talk(CALL)], [sent('offer-value', '2026-11-25T10:00:00.000Z')]),
      now: '2026-11-26T09:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-11-25T23:59:59.999Z',
      bucket: 'overdue',
      reason: 'Summary and next steps due by Wed 25 Nov, a working day after your call.',
      warnings: ['late'],
    },
    {
      name: 'a new call restarts with a summary',
      input: networking([talk(CALL), talk('2027-02-02T14:00:00.000Z')], [SUMMARY, OFFER_1, OFFER_2]),
      now: '2027-02-02T15:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2027-02-03T23:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Wed 3 Feb, a working day after your call.',
    },
  ])('$name', expectStep);

  it('waits once both offer-value notes are sent', () => {
    const result = nextStep(
      networking([talk(CALL)], [SUMMARY, OFFER_1, OFFER_2]),
      new Date('2027-03-01T09:00:00.000Z'),
    );
    expect(result).toEqual({
      plan: { state: 'waiting', since: OFFER_2.at },
      bucket: 'none',
      reason: 'You have kept in touch well: nothing more is due until you talk again.',
      warnings: [],
    });
  });
});

describe('weekends', () => {
  it.each<StepCase>([
    {
      name: 'an interview on a Friday: about a week is the next Friday',
      input: interview([talk('2026-11-27T10:00:00.000Z')], [sent('thank-you', '2026-11-27T15:00:00.000Z')]),
      now: '2026-12-02T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-04T23:59:59.999Z',
      earliestAt: '2026-12-02T00:00:00.000Z',
      bucket: 'upcoming',
      reason: 'Check-in due Fri 4 Dec, about a week after your interview, as no timeline was given.',
    },
    {
      name: 'a check-in sent on a Saturday counts from the Monday',
      input: interview([talk(INTERVIEW)], [THANKED, sent('first-check-in', '2026-12-05T10:00:00.000Z')]),
      now: '2026-12-09T09:00:00.000Z',
      step: 'persistent-check-in',
      dueAt: '2026-12-11T23:59:59.999Z',
      earliestAt: '2026-12-09T00:00:00.000Z',
      bucket: 'upcoming',
      reason: 'Follow-up check-in due Fri 11 Dec, 5 working days after your last check-in.',
    },
    {
      name: 'a timeline on a Saturday: the Monday after',
      input: interview([talk(INTERVIEW, '2026-11-28')], [THANKED]),
      now: '2026-11-30T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-11-30T23:59:59.999Z',
      bucket: 'today',
      reason: 'Check-in due Mon 30 Nov, the working day after the date they gave (Sat 28 Nov).',
    },
  ])('$name', expectStep);
});

describe('time zones', () => {
  it.each<StepCase>([
    {
      name: 'Auckland: 23:30 UTC Thursday is already Friday, so the summary is due Monday there',
      input: networking([talk('2026-11-26T23:30:00.000Z')], [], 'Pacific/Auckland'),
      now: '2026-11-29T12:00:00.000Z', // Mon 30 Nov, 1 am in Auckland
      step: 'networking-summary',
      dueAt: '2026-11-30T10:59:59.999Z',
      bucket: 'today',
      reason: 'Summary and next steps due by Mon 30 Nov, a working day after your call.',
    },
    {
      name: 'Auckland: the thank-you is told in local time',
      input: interview([talk('2026-11-26T23:30:00.000Z')], [], 'Pacific/Auckland'),
      now: '2026-11-27T00:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-11-27T23:30:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Sat 28 Nov, 12:30 pm, 24 hours after your interview.',
    },
    {
      name: 'Kolkata: an interview at 20:00 UTC is 1:30 am the next day',
      input: interview([talk('2026-11-24T20:00:00.000Z')], [], 'Asia/Kolkata'),
      now: '2026-11-24T21:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-11-25T20:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Thu 26 Nov, 1:30 am, 24 hours after your interview.',
    },
    {
      name: 'Kolkata: about a week counts from the local date, and ends at local midnight',
      input: interview(
        [talk('2026-11-24T20:00:00.000Z')],
        [sent('thank-you', '2026-11-25T04:00:00.000Z')],
        'Asia/Kolkata',
      ),
      now: '2026-11-30T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-02T18:29:59.999Z',
      earliestAt: '2026-11-29T18:30:00.000Z',
      bucket: 'upcoming',
      reason: 'Check-in due Wed 2 Dec, about a week after your interview, as no timeline was given.',
    },
    {
      name: 'New York: a 10 pm call is still that evening, so the summary is due the next day there',
      input: networking([talk('2026-11-25T03:00:00.000Z')], [], 'America/New_York'),
      now: '2026-11-25T12:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-11-26T04:59:59.999Z',
      bucket: 'today',
      reason: 'Summary and next steps due by Wed 25 Nov, a working day after your call.',
    },
    {
      name: 'New York: a timeline date ends at local midnight',
      input: interview(
        [talk('2026-11-24T20:00:00.000Z', '2026-11-27')],
        [sent('thank-you', '2026-11-24T22:00:00.000Z')],
        'America/New_York',
      ),
      now: '2026-11-30T12:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-12-01T04:59:59.999Z',
      earliestAt: '2026-11-30T05:00:00.000Z',
      bucket: 'today',
      reason: 'Check-in due Mon 30 Nov, the working day after the date they gave (Fri 27 Nov).',
    },
  ])('$name', expectStep);
});

describe('daylight-saving changes', () => {
  it.each<StepCase>([
    {
      name: 'US fall back (1 Nov 2026): the thank-you is 24 elapsed hours later, 9 am on the clock',
      input: interview([talk('2026-10-31T14:00:00.000Z')], [], 'America/New_York'),
      now: '2026-10-31T15:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-11-01T14:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Sun 1 Nov, 9:00 am, 24 hours after your interview.',
    },
    {
      name: 'US spring forward (8 Mar 2026): 11 am on the clock',
      input: interview([talk('2026-03-07T15:00:00.000Z')], [], 'America/New_York'),
      now: '2026-03-07T16:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-03-08T15:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Sun 8 Mar, 11:00 am, 24 hours after your interview.',
    },
    {
      name: 'UK spring forward (29 Mar 2026): 1 pm on the clock',
      input: interview([talk('2026-03-28T12:00:00.000Z')]),
      now: '2026-03-28T13:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-03-29T12:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Sun 29 Mar, 1:00 pm, 24 hours after your interview.',
    },
    {
      name: 'UK fall back (25 Oct 2026): 11 am on the clock',
      input: interview([talk('2026-10-24T11:00:00.000Z')]),
      now: '2026-10-24T12:00:00.000Z',
      step: 'thank-you',
      dueAt: '2026-10-25T11:00:00.000Z',
      bucket: 'today',
      reason: 'Thank-you due by Sun 25 Oct, 11:00 am, 24 hours after your interview.',
    },
    {
      name: 'UK spring forward: a Monday summary ends at 23:59 BST',
      input: networking([talk('2026-03-27T12:00:00.000Z')]),
      now: '2026-03-27T13:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-03-30T22:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Mon 30 Mar, a working day after your call.',
    },
    {
      name: 'UK fall back: a Monday summary ends at 23:59 GMT',
      input: networking([talk('2026-10-23T11:00:00.000Z')]),
      now: '2026-10-23T12:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-10-26T23:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Mon 26 Oct, a working day after your call.',
    },
    {
      name: 'US fall back: a Monday summary ends at 23:59 EST',
      input: networking([talk('2026-10-30T16:00:00.000Z')], [], 'America/New_York'),
      now: '2026-10-30T17:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-11-03T04:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Mon 2 Nov, a working day after your call.',
    },
    {
      name: 'US spring forward: a Monday summary ends at 23:59 EDT',
      input: networking([talk('2026-03-06T17:00:00.000Z')], [], 'America/New_York'),
      now: '2026-03-06T18:00:00.000Z',
      step: 'networking-summary',
      dueAt: '2026-03-10T03:59:59.999Z',
      bucket: 'upcoming',
      reason: 'Summary and next steps due by Mon 9 Mar, a working day after your call.',
    },
    {
      name: 'UK fall back inside the wait: opens at midnight BST, due at midnight GMT',
      input: interview([talk('2026-10-20T11:00:00.000Z')], [sent('thank-you', '2026-10-20T15:00:00.000Z')]),
      now: '2026-10-26T09:00:00.000Z',
      step: 'first-check-in',
      dueAt: '2026-10-27T23:59:59.999Z',
      earliestAt: '2026-10-22T23:00:00.000Z',
      bucket: 'upcoming',
      reason: 'Check-in due Tue 27 Oct, about a week after your interview, as no timeline was given.',
    },
  ])('$name', expectStep);
});

describe('ended stages', () => {
  const REASONS: Record<string, string> = {
    offer: 'Offer stage: congratulations, nothing more is due.',
    rejected: 'Rejected: nothing more is due.',
    withdrawn: 'Withdrawn: nothing more is due.',
    closed: 'Closed: nothing more is due.',
  };

  describe.each(ENDED_STAGES.map((stage) => [stage]))('%s', (stage) => {
    it.each([
      ['a late thank-you', history('interview', [talk(INTERVIEW)], [], 'Europe/London', stage)],
      ['a pending check-in', history('interview', [talk(INTERVIEW)], [THANKED, CHECK_IN_1], 'Europe/London', stage)],
      ['a pending summary', history('networking', [talk(CALL)], [], 'Europe/London', stage)],
      ['no conversation at all', history('networking', [], [], 'Europe/London', stage)],
    ])('ends the schedule even with %s', (_name, input) => {
      expect(nextStep(input, new Date('2026-12-20T09:00:00.000Z'))).toEqual({
        plan: { state: 'ended', stage },
        bucket: 'none',
        reason: REASONS[stage],
        warnings: [],
      });
    });
  });
});

describe('no conversation yet', () => {
  it.each(OPPORTUNITY_KINDS)('has nothing scheduled for %s', (kind) => {
    const result = nextStep(history(kind, [], [sent('thank-you', INTERVIEW)]), new Date(INTERVIEW));
    expect(result).toEqual({
      plan: { state: 'empty' },
      bucket: 'none',
      reason: 'Log the conversation to see your next follow-up.',
      warnings: [],
    });
  });
});

describe('warnings', () => {
  it.each<[string, PlaybookInput, string, string[]]>([
    [
      'too soon after a check-in',
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1]),
      '2026-12-02T09:00:00.000Z',
      ['Too soon: your last check-in was 2 working days ago. Wait until Thu 3 Dec.'],
    ],
    [
      'too soon on the day of a check-in',
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1]),
      '2026-11-30T15:00:00.000Z',
      ['Too soon: your last check-in was today. Wait until Thu 3 Dec.'],
    ],
    [
      'too soon the weekend after a Friday check-in',
      interview([talk(INTERVIEW)], [THANKED, sent('first-check-in', '2026-12-04T10:00:00.000Z')]),
      '2026-12-05T10:00:00.000Z',
      ['Too soon: your last check-in was on Fri 4 Dec. Wait until Wed 9 Dec.'],
    ],
    [
      'too soon before a stated timeline',
      interview([talk(INTERVIEW, '2026-11-27')], [THANKED]),
      '2026-11-26T10:00:00.000Z',
      ['Too soon: they said they would decide by Fri 27 Nov. Check in from Mon 30 Nov.'],
    ],
    [
      'too soon without a timeline',
      interview([talk(INTERVIEW)], [THANKED]),
      '2026-11-25T10:00:00.000Z',
      ['Too soon: give them about a week. Check in from Fri 27 Nov.'],
    ],
    [
      'too soon after a reply whose date had passed',
      interview([talk(INTERVIEW)], [THANKED, reply('2026-12-02T09:30:00.000Z', '2026-11-27')]),
      '2026-12-02T12:00:00.000Z',
      ['Too soon: give them a working day. Check in from Thu 3 Dec.'],
    ],
    [
      'too soon for an offer-value note',
      networking([talk(CALL)], [SUMMARY]),
      '2026-11-30T09:00:00.000Z',
      ['Too soon: your last note was 3 working days ago. Wait until Wed 2 Dec.'],
    ],
    [
      'too soon for a thank-you before the interview',
      interview([talk(INTERVIEW)]),
      '2026-11-23T09:00:00.000Z',
      ['Too soon: your interview is on Tue 24 Nov, 3:00 pm. Send the thank-you after it.'],
    ],
    [
      'too soon for a summary before the call',
      networking([talk(CALL)]),
      '2026-11-23T09:00:00.000Z',
      ['Too soon: your call is on Tue 24 Nov, 2:00 pm. Send the summary after it.'],
    ],
    [
      'a late thank-you',
      interview([talk(INTERVIEW)]),
      '2026-11-26T09:00:00.000Z',
      ['Late: the thank-you was due Wed 25 Nov, 3:00 pm. Send it today anyway, short and warm.'],
    ],
    [
      'a check-in late by 3 working days',
      interview([talk(INTERVIEW, '2026-11-27')], [THANKED]),
      '2026-12-03T09:00:00.000Z',
      ['Late by 3 working days: it was due Mon 30 Nov. Send it today.'],
    ],
    [
      'a check-in late by 1 working day',
      interview([talk(INTERVIEW, '2026-11-27')], [THANKED]),
      '2026-12-01T09:00:00.000Z',
      ['Late by 1 working day: it was due Mon 30 Nov. Send it today.'],
    ],
    [
      'a Friday check-in read at the weekend',
      interview([talk('2026-11-27T10:00:00.000Z')], [sent('thank-you', '2026-11-27T15:00:00.000Z')]),
      '2026-12-05T10:00:00.000Z',
      ['Late: it was due Fri 4 Dec. Send it today.'],
    ],
    [
      'a graceful close, too soon',
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3]),
      '2026-12-22T09:00:00.000Z',
      [
        'Too soon: your last check-in was 1 working day ago. Wait until Thu 24 Dec.',
        'Three check-ins without a reply: consider a graceful close instead of another nudge.',
      ],
    ],
    [
      'a graceful close, late',
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3]),
      '2027-01-06T09:00:00.000Z',
      [
        'Late by 2 working days: it was due Mon 4 Jan. Send it today.',
        'Three check-ins without a reply: consider a graceful close instead of another nudge.',
      ],
    ],
    [
      'a graceful close on time',
      interview([talk(INTERVIEW)], [THANKED, CHECK_IN_1, CHECK_IN_2, CHECK_IN_3]),
      '2026-12-28T09:00:00.000Z',
      ['Three check-ins without a reply: consider a graceful close instead of another nudge.'],
    ],
    ['a check-in in its window', interview([talk(INTERVIEW)], [THANKED]), '2026-11-30T09:00:00.000Z', []],
  ])('%s', (_name, input, now, messages) => {
    expect(nextStep(input, new Date(now)).warnings.map((warning) => warning.message)).toEqual(messages);
  });
});

describe('bucketOf', () => {
  const thankYou = planNextStep(interview([talk(INTERVIEW)])); // due Wed 25 Nov 15:00 UTC
  const checkIn = planNextStep(interview([talk(INTERVIEW, '2026-11-27')], [THANKED])); // due Mon 30 Nov
  const auckland = planNextStep(networking([talk('2026-11-26T23:30:00.000Z')], [], 'Pacific/Auckland'));

  it.each<[string, Plan, string, string, Bucket]>([
    ['a thank-you due tomorrow, within 24 hours', thankYou, '2026-11-24T16:00:00.000Z', 'Europe/London', 'today'],
    ['a thank-you due later today', thankYou, '2026-11-25T14:59:00.000Z', 'Europe/London', 'today'],
    ['a thank-you at its due moment', thankYou, '2026-11-25T15:00:00.000Z', 'Europe/London', 'today'],
    ['a thank-you a millisecond late', thankYou, '2026-11-25T15:00:00.001Z', 'Europe/London', 'overdue'],
    ['a thank-you over 24 hours away', thankYou, '2026-11-23T10:00:00.000Z', 'Europe/London', 'upcoming'],
    ['a day step at the start of its day', checkIn, '2026-11-30T00:00:00.000Z', 'Europe/London', 'today'],
    ['a day step at the end of its day', checkIn, '2026-11-30T23:59:59.999Z', 'Europe/London', 'today'],
    ['a day step the next morning', checkIn, '2026-12-01T00:00:00.000Z', 'Europe/London', 'overdue'],
    ['a day step the evening before', checkIn, '2026-11-29T23:00:00.000Z', 'Europe/London', 'upcoming'],
    ['a due day that has begun in Auckland', auckland, '2026-11-29T12:00:00.000Z', 'Pacific/Auckland', 'today'],
    ['the same moment read in UTC', auckland, '2026-11-29T12:00:00.000Z', 'UTC', 'upcoming'],
    ['paused', { state: 'paused', since: new Date(INTERVIEW) }, INTERVIEW, 'UTC', 'none'],
    ['waiting', { state: 'waiting', since: new Date(INTERVIEW) }, INTERVIEW, 'UTC', 'none'],
    ['ended', { state: 'ended', stage: 'offer' }, INTERVIEW, 'UTC', 'none'],
    ['empty', { state: 'empty' }, INTERVIEW, 'UTC', 'none'],
  ])('%s', (_name, plan, now, timeZone, bucket) => {
    expect(bucketOf(plan, new Date(now), timeZone)).toBe(bucket);
  });
});

// ---- Properties ----

const DAY_MS = 86_400_000;
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'] as const;
const EARLIEST = Date.parse('2025-01-01T00:00:00.000Z');
const LATEST = Date.parse('2027-12-31T23:59:59.999Z');
const SPAN_MS = 160 * DAY_MS;
// Any moment a member could plausibly read the plan. Not unbounded: counting working days walks
// the calendar a day at a time, so a clock in the year 200000 would take minutes.
const ANYTIME = { min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2040-01-01T00:00:00.000Z') };

// Whole days as well as any moment, so touches often land on the same instant as another event.
const offsetArb = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((days) => days * DAY_MS),
  fc.integer({ min: 0, max: SPAN_MS }),
);
// Conversations mostly early, so that a good share of the touches fall in the latest round.
const conversationOffsetArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 10 }).map((days) => days * DAY_MS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: SPAN_MS }) },
);
// Days from the first event: before it (a mistyped or stale date) as well as after.
const decisionByArb = fc.option(fc.integer({ min: -30, max: 200 }), { nil: null });
const openMostlyArb = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Stage>('open') },
  { weight: 1, arbitrary: fc.constantFrom(...ENDED_STAGES) },
);

type NowChoice = { afterLatest: number } | { offset: number } | { absolute: number };

function nowFrom(choice: NowChoice, base: number, latestEvent: number): number {
  if ('afterLatest' in choice) return latestEvent + choice.afterLatest;
  if ('offset' in choice) return base + choice.offset;
  return choice.absolute;
}

interface Scenario {
  input: PlaybookInput;
  now: Date;
}

function scenarioArb(stageArb: fc.Arbitrary<Stage> = openMostlyArb): fc.Arbitrary<Scenario> {
  return fc
    .record({
      kind: fc.constantFrom(...OPPORTUNITY_KINDS),
      stage: stageArb,
      timeZone: fc.constantFrom(...ZONES),
      base: fc.integer({ min: EARLIEST, max: LATEST - SPAN_MS - 40 * DAY_MS }),
      conversations: fc.array(fc.record({ offset: conversationOffsetArb, decisionBy: decisionByArb }), {
        minLength: 1,
        maxLength: 4,
      }),
      touches: fc.array(
        fc.record({
          type: fc.oneof(
            { weight: 4, arbitrary: fc.constant<TouchRecord['type']>('sent') },
            { weight: 1, arbitrary: fc.constant<TouchRecord['type']>('reply') },
          ),
          step: fc.option(fc.constantFrom(...STEP_IDS), { nil: null }),
          offset: offsetArb,
          decisionBy: decisionByArb,
        }),
        { maxLength: 8 },
      ),
      // Soon after the latest event, where the warnings change, near the history, or anywhere at all.
      now: fc.oneof(
        fc.integer({ min: 0, max: 60 * DAY_MS }).map((afterLatest) => ({ afterLatest })),
        fc.integer({ min: -30 * DAY_MS, max: SPAN_MS + 120 * DAY_MS }).map((offset) => ({ offset })),
        fc.integer({ min: ANYTIME.min.getTime(), max: ANYTIME.max.getTime() }).map((absolute) => ({ absolute })),
      ),
    })
    .map(({ kind, stage, timeZone, base, conversations, touches, now }) => {
      const baseDate = localDate(new Date(base), timeZone);
      const dateOf = (days: number | null) => (days === null ? null : addDays(baseDate, days));
      const latestEvent = base + Math.max(...conversations.map((c) => c.offset), ...touches.map((t) => t.offset));
      return {
        input: {
          kind,
          stage,
          timeZone,
          conversations: conversations.map((c) => ({
            at: new Date(base + c.offset),
            decisionBy: dateOf(c.decisionBy),
          })),
          touches: touches.map((t) => ({
            type: t.type,
            step: t.step,
            at: new Date(base + t.offset),
            decisionBy: dateOf(t.decisionBy),
          })),
        },
        now: new Date(nowFrom(now, base, latestEvent)),
      };
    });
}

const RUNS = { numRuns: 400 };

describe('properties', () => {
  it('(a) a step is due after what it is based on and after every conversation, and opens before it is due', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ input }) => {
        const plan = planNextStep(input);
        if (plan.state !== 'step') return;
        expect(plan.dueAt.getTime()).toBeGreaterThanOrEqual(plan.basedOn.getTime());
        for (const conversation of input.conversations)
          expect(plan.dueAt.getTime()).toBeGreaterThanOrEqual(conversation.at.getTime());
        expect(plan.earliestAt.getTime()).toBeLessThanOrEqual(plan.dueAt.getTime());
        expect(plan.checkInsWithoutReply).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('(b) nothing is due once the stage has ended', () => {
    fc.assert(
      fc.property(scenarioArb(fc.constantFrom(...ENDED_STAGES)), ({ input, now }) => {
        const result = nextStep(input, now);
        expect(result.plan).toEqual({ state: 'ended', stage: input.stage });
        expect(result.bucket).toBe('none');
        expect(result.warnings).toEqual([]);
      }),
      RUNS,
    );
  });

  it('(b) a step only ever comes from an open stage', () => {
    fc.assert(
      fc.property(scenarioArb(fc.constantFrom(...STAGES)), ({ input, now }) => {
        const result = nextStep(input, now);
        if (result.plan.state === 'step' || result.bucket !== 'none') expect(input.stage).toBe('open');
      }),
      RUNS,
    );
  });

  it('(c) the plan does not depend on now', () => {
    fc.assert(
      fc.property(
        scenarioArb(),
        fc.date({ min: ANYTIME.min, max: ANYTIME.max, noInvalidDate: true }),
        ({ input, now }, other) => {
          const plan = nextStep(input, now).plan;
          expect(nextStep(input, other).plan).toEqual(plan);
          expect(planNextStep(input)).toEqual(plan);
        },
      ),
      RUNS,
    );
  });

  it('(d) a day step is due at 23:59:59.999 local time on a working day', () => {
    fc.assert(
      fc.property(scenarioArb(fc.constant('open')), ({ input }) => {
        const plan = planNextStep(input);
        if (plan.state !== 'step' || plan.precision !== 'day') return;
        const due = localParts(plan.dueAt, input.timeZone);
        expect(isWorkingDay(due.date)).toBe(true);
        expect([due.hour, due.minute, due.second]).toEqual([23, 59, 59]);
        expect(localDate(new Date(plan.dueAt.getTime() + 1), input.timeZone)).toBe(addDays(due.date, 1));
      }),
      RUNS,
    );
  });

  it('(e) too soon exactly before the step opens, late exactly after it is due', () => {
    fc.assert(
      fc.property(scenarioArb(), ({ input, now }) => {
        const { plan, bucket, reason, warnings } = nextStep(input, now);
        const codes = warnings.map((warning) => warning.code);
        const isStep = plan.state === 'step';
        expect(codes.includes('too-soon')).toBe(isStep && now.getTime() < plan.earliestAt.getTime());
        expect(codes.includes('late')).toBe(isStep && now.getTime() > plan.dueAt.getTime());
        expect(codes.includes('late')).toBe(bucket === 'overdue');
        expect(codes.includes('graceful-close')).toBe(isStep && plan.step === 'close-the-loop');
        for (const text of [reason, ...warnings.map((warning) => warning.message)])
          expect(text).not.toMatch(/undefined|NaN|Invalid|null/);
      }),
      RUNS,
    );
  });

  it('(f) the order of conversations and touches does not change the plan', () => {
    const shuffledArb = scenarioArb().chain(({ input }) =>
      fc.record({
        input: fc.constant(input),
        conversations: fc.shuffledSubarray([...input.conversations], {
          minLength: input.conversations.length,
          maxLength: input.conversations.length,
        }),
        touches: fc.shuffledSubarray([...input.touches], {
          minLength: input.touches.length,
          maxLength: input.touches.length,
        }),
      }),
    );
    fc.assert(
      fc.property(shuffledArb, ({ input, conversations, touches }) => {
        expect(planNextStep({ ...input, conversations, touches })).toEqual(planNextStep(input));
        expect(planNextStep({ ...input, conversations: [...conversations].reverse() })).toEqual(planNextStep(input));
      }),
      RUNS,
    );
  });
});
