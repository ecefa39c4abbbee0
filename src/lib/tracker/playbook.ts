/**
 * The follow-up playbook: from an opportunity's conversations and the messages sent and received
 * since, the one step the member should take next, when it opens and when it is due. Pure, and
 * the plan never reads a clock, so it can be stored and recomputed whenever the history changes;
 * only telling it to the member (`nextStep`) needs `now`.
 *
 * Interviews: a thank-you within 24 hours, a check-in the working day after the date they gave
 * (about a week later without one), two more check-ins spaced further apart, then a graceful
 * close. Networking: a summary within a working day, then offer-value notes 3 and 6 weeks on.
 * A reply pauses the schedule; a new conversation starts a new round. Every date is a calendar
 * date in the member's own zone, and working days are Monday to Friday less the public holidays of
 * the calendar passed in (none without one). Counts of working days skip holidays; the fixed-week
 * offer-value notes and any other day step landing on a holiday move to the next working day, and
 * the reason names the holiday that moved them.
 */
import {
  ENDED_STAGES,
  STAGE_LABELS,
  type ConversationRecord,
  type OpportunityKind,
  type Stage,
  type StepId,
  type TouchRecord,
} from './model';
import {
  addWorkingDays,
  endOfLocalDay,
  formatDay,
  formatDayTime,
  holidaysJustBefore,
  localDate,
  nextWorkingDay,
  startOfLocalDay,
  WEEKENDS_ONLY,
  workingDaysBetween,
  type WorkingCalendar,
} from '../time/zoned-time';

export interface PlaybookInput {
  kind: OpportunityKind;
  stage: Stage;
  /** In any order. */
  conversations: readonly ConversationRecord[];
  /** In any order. */
  touches: readonly TouchRecord[];
  /** The member's IANA zone. */
  timeZone: string;
  /** The public holidays of the member's country and region; weekends only when omitted. */
  calendar?: WorkingCalendar;
}

export type Warning = { code: 'too-soon' | 'late' | 'graceful-close'; message: string };

export type Plan =
  | {
      state: 'step';
      step: StepId;
      earliestAt: Date;
      dueAt: Date;
      precision: 'time' | 'day';
      /** The event the step is timed from: the conversation, their reply or the last message sent. */
      basedOn: Date;
      checkInsWithoutReply: number;
    }
  /** They replied; nothing is scheduled. */
  | { state: 'paused'; since: Date }
  /** The member has done every step; nothing more until something happens. */
  | { state: 'waiting'; since: Date }
  | { state: 'ended'; stage: Stage }
  /** No conversation logged yet. */
  | { state: 'empty' };

type StepPlan = Extract<Plan, { state: 'step' }>;

export type Bucket = 'overdue' | 'today' | 'upcoming' | 'none';

export interface NextStep {
  plan: Plan;
  bucket: Bucket;
  reason: string;
  warnings: Warning[];
}

const HOUR_MS = 3_600_000;
const THANK_YOU_HOURS = 24;

/**
 * Working days from the last check-in to the earliest sensible day and to the due day, for the
 * 1st, 2nd and 3rd-or-later check-in sent. Each nudge waits longer, and never two within 3 days.
 */
const CHECK_IN_GAPS = [
  { earliest: 3, due: 5 },
  { earliest: 3, due: 10 },
  { earliest: 3, due: 10 },
] as const;

/** Working days from the last message to each offer-value note: about 3 weeks, then 6. */
const OFFER_VALUE_GAPS = [
  { earliest: 5, due: 15 },
  { earliest: 10, due: 30 },
] as const;

const WORKING_DAYS_A_WEEK = 5;

/** What the reason and warnings need beyond the plan: where a first check-in's date came from. */
interface Basis {
  /** The date they gave, for a first check-in timed from it. */
  timeline: string | null;
  /** That date had already gone by when they gave it, so the check-in is timed from the event instead. */
  timelinePassed: boolean;
  /** Timed from their reply rather than from the conversation. */
  afterReply: boolean;
  /** The holidays that moved the due date past them, oldest first; empty when none did. */
  holidays: string[];
}

interface Scheduled {
  plan: Plan;
  basis: Basis;
}

/** The latest conversation, the reply that came after it, and what the member sent since. */
interface Round {
  conversation: ConversationRecord;
  reply: TouchRecord | undefined;
  /** The reply if there is one, else the conversation: what the schedule counts from. */
  anchor: Date;
  /** Sent at or after the anchor. */
  sent: TouchRecord[];
}

type Dated = { at: Date; decisionBy: string | null };

/** On equal instants the later date they gave wins, so the order of the input never matters. */
function isLater(a: Dated, b: Dated): boolean {
  if (a.at.getTime() !== b.at.getTime()) return a.at.getTime() > b.at.getTime();
  return (a.decisionBy ?? '') > (b.decisionBy ?? '');
}

function latest<T extends Dated>(items: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const item of items) if (!best || isLater(item, best)) best = item;
  return best;
}

const notBefore = (instant: Date) => (touch: TouchRecord) => touch.at.getTime() >= instant.getTime();

/** Touches before the latest conversation belong to earlier rounds and are left out. */
function currentRound(conversation: ConversationRecord, touches: readonly TouchRecord[]): Round {
  const inRound = touches.filter(notBefore(conversation.at));
  const reply = latest(inRound.filter((touch) => touch.type === 'reply'));
  const anchor = reply ? reply.at : conversation.at;
  const sent = inRound.filter((touch) => touch.type === 'sent' && notBefore(anchor)(touch));
  return { conversation, reply, anchor, sent };
}

const NO_BASIS: Basis = { timeline: null, timelinePassed: false, afterReply: false, holidays: [] };

/** The holidays that moved a due date from the date weekends alone would give, when they did. */
function movedBy(weekendsOnly: string, due: string, calendar: WorkingCalendar): string[] {
  return weekendsOnly === due ? [] : holidaysJustBefore(due, calendar);
}

const settled = (plan: Plan): Scheduled => ({ plan, basis: NO_BASIS });

function dayStep(
  step: StepId,
  basedOn: Date,
  earliestAt: Date,
  dueDate: string,
  checkInsWithoutReply: number,
  timeZone: string,
): StepPlan {
  const dueAt = endOfLocalDay(dueDate, timeZone);
  return { state: 'step', step, earliestAt, dueAt, precision: 'day', basedOn, checkInsWithoutReply };
}

/**
 * A step some working days after the last message, opening a few working days after it. Fixed
 * weeks (the offer-value notes) count weekdays, so 15 is 3 weeks to the day, then step off a
 * holiday; other gaps count working days, holidays left out.
 */
function spacedStep(
  step: StepId,
  last: Date,
  gap: { earliest: number; due: number },
  checkInsWithoutReply: number,
  timeZone: string,
  calendar: WorkingCalendar,
  fixedWeeks: boolean,
): Scheduled {
  const from = localDate(last, timeZone);
  const after = (count: number) =>
    fixedWeeks ? nextWorkingDay(addWorkingDays(from, count), calendar) : addWorkingDays(from, count, calendar);
  const earliestAt = startOfLocalDay(after(gap.earliest), timeZone);
  const due = after(gap.due);
  const plan = dayStep(step, last, earliestAt, due, checkInsWithoutReply, timeZone);
  return { plan, basis: { ...NO_BASIS, holidays: movedBy(addWorkingDays(from, gap.due), due, calendar) } };
}

function thankYou(conversation: ConversationRecord): StepPlan {
  // Elapsed hours, not wall-clock: a daylight-saving change must not stretch or shrink the window.
  const dueAt = new Date(conversation.at.getTime() + THANK_YOU_HOURS * HOUR_MS);
  return {
    state: 'step',
    step: 'thank-you',
    earliestAt: conversation.at,
    dueAt,
    precision: 'time',
    basedOn: conversation.at,
    checkInsWithoutReply: 0,
  };
}

function firstCheckIn(
  anchor: Date,
  timeline: string | null,
  afterReply: boolean,
  timeZone: string,
  calendar: WorkingCalendar,
): Scheduled {
  const anchorDate = localDate(anchor, timeZone);
  if (timeline === null) {
    const earliestAt = startOfLocalDay(addWorkingDays(anchorDate, 3, calendar), timeZone);
    const due = addWorkingDays(anchorDate, 5, calendar);
    const plan = dayStep('first-check-in', anchor, earliestAt, due, 0, timeZone);
    const holidays = movedBy(addWorkingDays(anchorDate, 5), due, calendar);
    return { plan, basis: { timeline, timelinePassed: false, afterReply, holidays } };
  }
  // A date already gone when they gave it (an old reply, a mistyped import) cannot time anything
  // in the future: check in the working day after the conversation or reply instead.
  const timelinePassed = timeline < anchorDate;
  const from = timelinePassed ? anchorDate : timeline;
  const due = addWorkingDays(from, 1, calendar);
  const plan = dayStep('first-check-in', anchor, startOfLocalDay(due, timeZone), due, 0, timeZone);
  const holidays = movedBy(addWorkingDays(from, 1), due, calendar);
  return { plan, basis: { timeline, timelinePassed, afterReply, holidays } };
}

function planInterview(
  { conversation, reply, anchor, sent }: Round,
  timeZone: string,
  calendar: WorkingCalendar,
): Scheduled {
  if (reply && sent.length === 0 && reply.decisionBy === null) return settled({ state: 'paused', since: reply.at });
  if (!reply && !sent.some((touch) => touch.step === 'thank-you')) return settled(thankYou(conversation));

  // Anything else sent in the round nudges them, even a message outside the playbook.
  const checkIns = sent.filter((touch) => touch.step !== 'thank-you');
  const closed = latest(checkIns.filter((touch) => touch.step === 'close-the-loop'));
  if (closed) return settled({ state: 'waiting', since: closed.at });

  const last = latest(checkIns);
  if (!last)
    return firstCheckIn(anchor, reply ? reply.decisionBy : conversation.decisionBy, Boolean(reply), timeZone, calendar);

  const count = checkIns.length;
  const gap = CHECK_IN_GAPS[Math.min(count, CHECK_IN_GAPS.length) - 1] ?? CHECK_IN_GAPS[0];
  const step = count >= CHECK_IN_GAPS.length ? 'close-the-loop' : 'persistent-check-in';
  return spacedStep(step, last.at, gap, count, timeZone, calendar, false);
}

function planNetworking({ conversation, reply, sent }: Round, timeZone: string, calendar: WorkingCalendar): Scheduled {
  // A networking reply pauses even with a date in it: there is no decision to chase.
  const last = latest(sent);
  if (reply && !last) return settled({ state: 'paused', since: reply.at });
  // Without a reply, nothing sent in the round means no summary yet either.
  if (!last || (!reply && !sent.some((touch) => touch.step === 'networking-summary'))) {
    const callDate = localDate(conversation.at, timeZone);
    const due = addWorkingDays(callDate, 1, calendar);
    const plan = dayStep('networking-summary', conversation.at, conversation.at, due, 0, timeZone);
    return { plan, basis: { ...NO_BASIS, holidays: movedBy(addWorkingDays(callDate, 1), due, calendar) } };
  }

  const notes = sent.filter((touch) => touch.step !== 'networking-summary').length;
  const gap = OFFER_VALUE_GAPS[notes];
  if (!gap) return settled({ state: 'waiting', since: last.at });
  return spacedStep('offer-value', last.at, gap, notes, timeZone, calendar, true);
}

function schedule(input: PlaybookInput): Scheduled {
  if (ENDED_STAGES.includes(input.stage)) return settled({ state: 'ended', stage: input.stage });
  const conversation = latest(input.conversations);
  if (!conversation) return settled({ state: 'empty' });
  const round = currentRound(conversation, input.touches);
  const calendar = input.calendar ?? WEEKENDS_ONLY;
  return input.kind === 'interview'
    ? planInterview(round, input.timeZone, calendar)
    : planNetworking(round, input.timeZone, calendar);
}

/** The scheduled next step. Never reads a clock: the same input always gives the same plan. */
export function planNextStep(input: PlaybookInput): Plan {
  return schedule(input).plan;
}

/** Which list a plan belongs in at `now`. Only a step has one. */
export function bucketOf(plan: Plan, now: Date, timeZone: string): Bucket {
  if (plan.state !== 'step') return 'none';
  const untilDue = plan.dueAt.getTime() - now.getTime();
  if (untilDue < 0) return 'overdue';
  if (localDate(now, timeZone) === localDate(plan.dueAt, timeZone)) return 'today';
  // A thank-you due tomorrow morning is still something to do today.
  if (plan.precision === 'time' && untilDue <= THANK_YOU_HOURS * HOUR_MS) return 'today';
  return 'upcoming';
}

// ---- Telling it to the member ----

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

const numberWord = (count: number) => NUMBER_WORDS[count] ?? String(count);

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const workingDays = (count: number) => (count === 1 ? '1 working day' : `${count} working days`);

/** "the next working day after Thanksgiving Day", or "after the holidays" when several moved it. */
const afterHolidays = (names: readonly string[]) =>
  `the next working day after ${names.length === 1 ? names[0] : 'the holidays'}`;

/** "<what> <due>, <why>.", or, when holidays moved the date, why it is that day and the rule in brackets. */
function dueSentence(what: string, due: string, why: string, holidays: readonly string[]): string {
  return holidays.length === 0 ? `${what} ${due}, ${why}.` : `${what} ${due}, ${afterHolidays(holidays)} (${why}).`;
}

function stepReason(plan: StepPlan, basis: Basis, timeZone: string): string {
  const due = formatDay(plan.dueAt, timeZone);
  const event = basis.afterReply ? 'their reply' : 'your interview';
  const sentence = (what: string, why: string) => dueSentence(what, due, why, basis.holidays);
  switch (plan.step) {
    case 'thank-you':
      return `Thank-you due by ${formatDayTime(plan.dueAt, timeZone)}, 24 hours after your interview.`;
    case 'first-check-in':
      if (basis.timeline === null)
        return sentence('Check-in due', `about a week after ${event}, as no timeline was given`);
      if (basis.timelinePassed)
        return sentence(
          'Check-in due',
          `the working day after ${event}, as the date they gave (${formatDay(basis.timeline)}) had already passed`,
        );
      return basis.holidays.length === 0
        ? sentence('Check-in due', `the working day after the date they gave (${formatDay(basis.timeline)})`)
        : sentence('Check-in due', `the date they gave was ${formatDay(basis.timeline)}`);
    case 'persistent-check-in': {
      const gap = CHECK_IN_GAPS[plan.checkInsWithoutReply - 1] ?? CHECK_IN_GAPS[0];
      return sentence('Follow-up check-in due', `${workingDays(gap.due)} after your last check-in`);
    }
    case 'close-the-loop':
      return sentence(
        'A graceful close due',
        `after ${numberWord(plan.checkInsWithoutReply)} check-ins without a reply`,
      );
    case 'networking-summary':
      return sentence('Summary and next steps due by', 'a working day after your call');
    case 'offer-value': {
      const gap = OFFER_VALUE_GAPS[plan.checkInsWithoutReply] ?? OFFER_VALUE_GAPS[0];
      return sentence('Offer-value note due', `${gap.due / WORKING_DAYS_A_WEEK} weeks after your last message`);
    }
  }
}

function reasonFor(plan: Plan, basis: Basis, kind: OpportunityKind, timeZone: string): string {
  switch (plan.state) {
    case 'empty':
      return 'Log the conversation to see your next follow-up.';
    case 'ended':
      return plan.stage === 'offer'
        ? 'Offer stage: congratulations, nothing more is due.'
        : `${STAGE_LABELS[plan.stage]}: nothing more is due.`;
    case 'paused':
      return `They replied on ${formatDay(plan.since, timeZone)}: the schedule is paused. Log your next conversation, or the new date they gave, to restart it.`;
    case 'waiting':
      return kind === 'interview'
        ? 'You closed the loop politely: nothing more is due unless they reply or you talk again.'
        : 'You have kept in touch well: nothing more is due until you talk again.';
    case 'step':
      return stepReason(plan, basis, timeZone);
  }
}

/** "your last check-in was 2 working days ago", told sensibly on the same day or over a weekend. */
function sinceLast(what: string, last: Date, now: Date, timeZone: string, calendar: WorkingCalendar): string {
  const lastDate = localDate(last, timeZone);
  const today = localDate(now, timeZone);
  const count = workingDaysBetween(lastDate, today, calendar);
  if (count > 0) return `your last ${what} was ${workingDays(count)} ago`;
  if (lastDate === today) return `your last ${what} was today`;
  return `your last ${what} was on ${formatDay(last, timeZone)}`;
}

function tooSoon(plan: StepPlan, basis: Basis, now: Date, timeZone: string, calendar: WorkingCalendar): string {
  const from = formatDay(plan.earliestAt, timeZone);
  switch (plan.step) {
    // Only before the conversation itself, which is usually a mistyped date.
    case 'thank-you':
      return `Too soon: your interview is on ${formatDayTime(plan.basedOn, timeZone)}. Send the thank-you after it.`;
    case 'networking-summary':
      return `Too soon: your call is on ${formatDayTime(plan.basedOn, timeZone)}. Send the summary after it.`;
    case 'first-check-in':
      if (basis.timeline === null) return `Too soon: give them about a week. Check in from ${from}.`;
      if (basis.timelinePassed) return `Too soon: give them a working day. Check in from ${from}.`;
      return `Too soon: they said they would decide by ${formatDay(basis.timeline)}. Check in from ${from}.`;
    case 'persistent-check-in':
    case 'close-the-loop':
      return `Too soon: ${sinceLast('check-in', plan.basedOn, now, timeZone, calendar)}. Wait until ${from}.`;
    case 'offer-value':
      return `Too soon: ${sinceLast('note', plan.basedOn, now, timeZone, calendar)}. Wait until ${from}.`;
  }
}

function late(plan: StepPlan, now: Date, timeZone: string, calendar: WorkingCalendar): string {
  if (plan.precision === 'time')
    return `Late: the thank-you was due ${formatDayTime(plan.dueAt, timeZone)}. Send it today anyway, short and warm.`;
  const count = workingDaysBetween(localDate(plan.dueAt, timeZone), localDate(now, timeZone), calendar);
  // Due on a Friday and read at the weekend: late, but by no working day yet.
  const by = count > 0 ? ` by ${workingDays(count)}` : '';
  return `Late${by}: it was due ${formatDay(plan.dueAt, timeZone)}. Send it today.`;
}

function warningsFor(plan: Plan, basis: Basis, now: Date, timeZone: string, calendar: WorkingCalendar): Warning[] {
  if (plan.state !== 'step') return [];
  const warnings: Warning[] = [];
  if (now.getTime() < plan.earliestAt.getTime())
    warnings.push({ code: 'too-soon', message: tooSoon(plan, basis, now, timeZone, calendar) });
  if (now.getTime() > plan.dueAt.getTime())
    warnings.push({ code: 'late', message: late(plan, now, timeZone, calendar) });
  if (plan.step === 'close-the-loop') {
    const checkIns = capitalised(numberWord(plan.checkInsWithoutReply));
    warnings.push({
      code: 'graceful-close',
      message: `${checkIns} check-ins without a reply: consider a graceful close instead of another nudge.`,
    });
  }
  return warnings;
}

/** The plan, told to the member at `now`: which list it belongs in, why, and what to watch out for. */
export function nextStep(input: PlaybookInput, now: Date): NextStep {
  const { plan, basis } = schedule(input);
  return {
    plan,
    bucket: bucketOf(plan, now, input.timeZone),
    reason: reasonFor(plan, basis, input.kind, input.timeZone),
    warnings: warningsFor(plan, basis, now, input.timeZone, input.calendar ?? WEEKENDS_ONLY),
  };
}
