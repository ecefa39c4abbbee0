/**
 * Public holidays in the playbook: the pure rules with small calendars written out here, then the
 * same rules through date-holidays for the United States, the United Kingdom, Germany and India.
 */
import { describe, expect, it } from 'vitest';
import { nextStep, type PlaybookInput } from '../../src/lib/tracker/playbook';
import type { ConversationRecord, OpportunityKind, TouchRecord } from '../../src/lib/tracker/model';
import {
  addWorkingDays,
  calendarOfDates,
  holidaysJustBefore,
  isWorkingDay,
  localDate,
  nextWorkingDay,
  workingDaysBetween,
  type WorkingCalendar,
} from '../../src/lib/time/zoned-time';
import { regionOptions, workingCalendarOf } from '../../src/lib/time/holidays.server';
import { sent, talk } from '../fixtures/tracker-history.ts';

function input(
  kind: OpportunityKind,
  conversations: ConversationRecord[],
  touches: TouchRecord[],
  timeZone: string,
  calendar?: WorkingCalendar,
): PlaybookInput {
  return { kind, stage: 'open', conversations, touches, timeZone, ...(calendar ? { calendar } : {}) };
}

/** The due date, in the member's zone, and the sentence. */
function due(history: PlaybookInput, now = new Date('2026-01-01T00:00:00Z')) {
  const next = nextStep(history, now);
  if (next.plan.state !== 'step') throw new Error(`no step: ${next.plan.state}`);
  return { date: localDate(next.plan.dueAt, history.timeZone), reason: next.reason, warnings: next.warnings };
}

// England's Christmas 2026: Christmas Day on a Friday, Boxing Day on the Saturday, kept on Monday 28.
const ENGLISH_CHRISTMAS = calendarOfDates({
  '2026-12-25': 'Christmas Day',
  '2026-12-26': 'Boxing Day',
  '2026-12-28': 'Boxing Day (substitute day)',
});
const THANKSGIVING = calendarOfDates({ '2026-11-26': 'Thanksgiving Day' });
const EASTER = calendarOfDates({ '2026-04-03': 'Good Friday', '2026-04-06': 'Easter Monday' });

// The networking case: a call on Thu 3 Dec 2026 in London, the summary sent on Fri 4 Dec;
// the first offer-value note, 3 weeks on, fell on Fri 25 Dec.
const CALL = talk('2026-12-03T14:00:00.000Z');
const SUMMARY = sent('networking-summary', '2026-12-04T10:00:00.000Z');
const christmasNote = (calendar?: WorkingCalendar, timeZone = 'Europe/London') =>
  input('networking', [CALL], [SUMMARY], timeZone, calendar);

describe('working days with a calendar', () => {
  it('skips the calendar’s holidays as well as weekends, and only weekends without one', () => {
    expect(isWorkingDay('2026-12-25')).toBe(true);
    expect(isWorkingDay('2026-12-25', ENGLISH_CHRISTMAS)).toBe(false);
    expect(addWorkingDays('2026-12-24', 1)).toBe('2026-12-25');
    expect(addWorkingDays('2026-12-24', 1, ENGLISH_CHRISTMAS)).toBe('2026-12-29');
    expect(addWorkingDays('2026-12-23', 3, ENGLISH_CHRISTMAS)).toBe('2026-12-30');
    expect(workingDaysBetween('2026-12-24', '2026-12-29')).toBe(3);
    expect(workingDaysBetween('2026-12-24', '2026-12-29', ENGLISH_CHRISTMAS)).toBe(1);
    expect(nextWorkingDay('2026-12-25', ENGLISH_CHRISTMAS)).toBe('2026-12-29');
    expect(nextWorkingDay('2026-12-24', ENGLISH_CHRISTMAS)).toBe('2026-12-24');
    expect(holidaysJustBefore('2026-12-29', ENGLISH_CHRISTMAS)).toEqual([
      'Christmas Day',
      'Boxing Day',
      'Boxing Day (substitute day)',
    ]);
    expect(holidaysJustBefore('2026-11-27', THANKSGIVING)).toEqual(['Thanksgiving Day']);
    expect(holidaysJustBefore('2026-12-07', THANKSGIVING)).toEqual([]);
  });
});

describe('the playbook with a calendar', () => {
  it('moves the issue’s offer-value note off 25 December to the next working day, and says why', () => {
    expect(due(christmasNote())).toMatchObject({ date: '2026-12-25' });
    expect(due(christmasNote(ENGLISH_CHRISTMAS))).toEqual({
      date: '2026-12-29',
      reason:
        'Offer-value note due Tue 29 Dec, the next working day after the holidays (3 weeks after your last message).',
      warnings: [expect.objectContaining({ code: 'too-soon' })],
    });
  });

  it('names the one holiday that moved a step', () => {
    // A call on the Wednesday before Thanksgiving in New York: the summary is due on the Friday.
    const call = input('networking', [talk('2026-11-25T19:00:00.000Z')], [], 'America/New_York', THANKSGIVING);
    expect(due(call)).toMatchObject({
      date: '2026-11-27',
      reason:
        'Summary and next steps due by Fri 27 Nov, the next working day after Thanksgiving Day (a working day after your call).',
    });
  });

  it('checks in the working day after the date they gave, across Easter', () => {
    const thanked = sent('thank-you', '2026-03-30T18:00:00.000Z');
    const history = input('interview', [talk('2026-03-30T10:00:00.000Z', '2026-04-02')], [thanked], 'Europe/London');
    expect(due(history)).toMatchObject({ date: '2026-04-03' });
    expect(due({ ...history, calendar: EASTER })).toMatchObject({
      date: '2026-04-07',
      reason: 'Check-in due Tue 7 Apr, the next working day after the holidays (the date they gave was Thu 2 Apr).',
    });
  });

  it('counts a holiday in the middle of a gap out of the working days, keeping the reason', () => {
    // First check-in about a week after Mon 23 Nov: 5 working days, Thanksgiving not one of them.
    const thanked = sent('thank-you', '2026-11-23T20:00:00.000Z');
    const history = input('interview', [talk('2026-11-23T15:00:00.000Z')], [thanked], 'America/New_York');
    expect(due(history).date).toBe('2026-11-30');
    expect(due({ ...history, calendar: THANKSGIVING })).toMatchObject({
      date: '2026-12-01',
      reason: 'Check-in due Tue 1 Dec, about a week after your interview, as no timeline was given.',
    });
  });

  it('tells lateness in working days, holidays left out', () => {
    const history = input('networking', [talk('2026-12-23T14:00:00.000Z')], [], 'Europe/London', ENGLISH_CHRISTMAS);
    const late = due(history, new Date('2026-12-30T12:00:00.000Z'));
    expect(late.date).toBe('2026-12-24');
    expect(late.warnings).toContainEqual({
      code: 'late',
      message: 'Late by 2 working days: it was due Thu 24 Dec. Send it today.',
    });
  });
});

/**
 * Through date-holidays: [place, what happened, zone, due date, the holiday words in the reason].
 * Each row is a step that falls on, or just after, a public holiday of that place.
 */
type Row = [place: string, history: (calendar: WorkingCalendar) => PlaybookInput, dueOn: string, reason: string];

const summaryAfterCall = (at: string, timeZone: string) => (calendar: WorkingCalendar) =>
  input('networking', [talk(at)], [], timeZone, calendar);
const noteAfterSummary = (timeZone: string) => (calendar: WorkingCalendar) =>
  input(
    'networking',
    [talk('2026-12-03T12:00:00.000Z')],
    [sent('networking-summary', '2026-12-04T12:00:00.000Z')],
    timeZone,
    calendar,
  );
const checkInAfterDate = (interview: string, decisionBy: string, timeZone: string) => (calendar: WorkingCalendar) =>
  input(
    'interview',
    [talk(interview, decisionBy)],
    [sent('thank-you', interview.replace('T10', 'T18'))],
    timeZone,
    calendar,
  );

const NEW_YORK = 'America/New_York';
const LONDON = 'Europe/London';
const BERLIN = 'Europe/Berlin';
const KOLKATA = 'Asia/Kolkata';

const ROWS: Row[] = [
  ['US', summaryAfterCall('2026-11-25T19:00:00.000Z', NEW_YORK), '2026-11-27', 'after Thanksgiving Day'],
  // 4 July 2026 is a Saturday, kept on Friday 3 July.
  ['US', summaryAfterCall('2026-07-02T19:00:00.000Z', NEW_YORK), '2026-07-06', 'after the holidays'],
  ['US', noteAfterSummary(NEW_YORK), '2026-12-28', 'after Christmas Day'],
  ['US-CA', noteAfterSummary('America/Los_Angeles'), '2026-12-28', 'after Christmas Day'],
  ['GB-ENG', checkInAfterDate('2026-03-30T10:00:00.000Z', '2026-04-02', LONDON), '2026-04-07', 'after the holidays'],
  ['GB-ENG', noteAfterSummary(LONDON), '2026-12-29', 'after the holidays'],
  // Easter Monday is a bank holiday in England but not in Scotland.
  [
    'GB-SCT',
    checkInAfterDate('2026-03-30T10:00:00.000Z', '2026-04-05', LONDON),
    '2026-04-06',
    'Check-in due Mon 6 Apr, the working day after',
  ],
  ['GB-ENG', checkInAfterDate('2026-03-30T10:00:00.000Z', '2026-04-05', LONDON), '2026-04-07', 'after the holidays'],
  // Epiphany, Wed 6 Jan 2027, is kept in Bavaria and not in Berlin.
  ['DE-BY', summaryAfterCall('2027-01-05T10:00:00.000Z', BERLIN), '2027-01-07', 'after Epiphany'],
  ['DE-BE', summaryAfterCall('2027-01-05T10:00:00.000Z', BERLIN), '2027-01-06', 'a working day after your call.'],
  ['DE', checkInAfterDate('2026-03-30T10:00:00.000Z', '2026-04-02', BERLIN), '2026-04-07', 'after the holidays'],
  // Christmas Day on a Friday, the second day of Christmas on the Saturday: Monday 28.
  ['DE', noteAfterSummary(BERLIN), '2026-12-28', 'after the holidays'],
  ['IN', summaryAfterCall('2026-01-23T06:00:00.000Z', KOLKATA), '2026-01-27', 'after Republic Day'],
  ['IN', summaryAfterCall('2025-08-14T06:00:00.000Z', KOLKATA), '2025-08-18', 'after Independence Day'],
  ['IN', summaryAfterCall('2026-10-01T06:00:00.000Z', KOLKATA), '2026-10-05', 'after Gandhi Jayanti'],
];

describe('the playbook through date-holidays', () => {
  const rows = ROWS.map(([place, history, dueOn, reason]) => [place, dueOn, reason, history] as const);
  it.each(rows)('%s: due %s, “%s”', async (place, dueOn, reason, history) => {
    const [country, region] = place.split('-');
    const calendar = await workingCalendarOf({ country: country!, region: region ?? null });
    const result = due(history(calendar));
    expect(result.date).toBe(dueOn);
    expect(result.reason).toContain(reason);
  });

  it('counts only public holidays: India’s observances and optional days are working days', async () => {
    const india = await workingCalendarOf({ country: 'IN', region: null });
    expect(india.isHoliday('2026-01-26')).toBe('Republic Day');
    expect(india.isHoliday('2026-08-15')).toBe('Independence Day');
    expect(india.isHoliday('2026-10-02')).toBe('Gandhi Jayanti');
    // Diwali (8 Nov 2026) is not among date-holidays' public holidays for India.
    expect(india.isHoliday('2026-11-08')).toBeUndefined();
  });

  it('knows regions for the UK’s nations, German and US states and India’s states; none set is weekends only', async () => {
    expect((await regionOptions('GB')).map((option) => option.code)).toEqual(
      expect.arrayContaining(['ENG', 'SCT', 'WLS', 'NIR']),
    );
    expect((await regionOptions('DE')).find((option) => option.code === 'BY')?.name).toBe('Bayern');
    expect((await regionOptions('US')).length).toBeGreaterThan(50);
    expect((await regionOptions('IN')).length).toBeGreaterThan(20);
    expect((await workingCalendarOf({ country: null })).isHoliday('2026-12-25')).toBeUndefined();
    expect((await workingCalendarOf({ country: 'XX' })).isHoliday('2026-12-25')).toBeUndefined();
  });
});
