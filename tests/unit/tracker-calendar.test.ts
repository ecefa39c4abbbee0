/**
 * The calendar feed is built from stored rows, some of them written before dates were checked at
 * input: it never fails on one, and leaves out what a calendar cannot show. Overdue follow-ups are
 * on today, marked; each event keeps its UID while its date moves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trackerCalendar, type DueStep } from '../../src/lib/tracker/calendar';
import { localDate } from '../../src/lib/time/zoned-time';

const options = { timeZone: 'Europe/Paris', siteUrl: 'https://follow.example', now: new Date('2026-03-20T16:05:09Z') };

function step(overrides: Partial<DueStep> = {}): DueStep {
  return {
    id: 'o1',
    company: 'Acme',
    contactName: 'Priya Shah',
    planStep: 'first-check-in',
    planPrecision: 'day',
    planDueAt: new Date('2026-03-23T08:00:00Z'),
    planReason: 'Check in today.',
    updatedAt: new Date('2026-03-16T10:00:00Z'),
    roundId: 'c1',
    stepsSent: 0,
    ...overrides,
  };
}

const events = (feed: string) => feed.split('BEGIN:VEVENT').length - 1;
const utf8Octets = (text: string) => new TextEncoder().encode(text).length;

/** The largest and smallest instants a Date holds, and what a corrupted integer column reads as. */
const storedInstant: fc.Arbitrary<Date | null> = fc.oneof(
  fc.constant(null),
  fc.date({ noInvalidDate: false }),
  fc.constantFrom(
    new Date(Number.NaN),
    new Date(8_640_000_000_000_000),
    new Date(-8_640_000_000_000_000),
    new Date('9999-12-31T23:00:00Z'),
    new Date('+010000-01-03T08:00:00Z'),
    new Date('0000-01-01T00:00:00Z'),
    new Date('1969-12-31T23:59:59Z'),
    new Date('2099-12-31T23:30:00Z'),
  ),
  fc.double().map((ms) => new Date(ms)),
);

const text = fc.string({ unit: 'binary', maxLength: 60 });

const storedRow: fc.Arbitrary<DueStep> = fc.record({
  id: fc.oneof(fc.constant('o1'), text),
  company: text,
  contactName: text,
  planStep: fc.oneof(fc.constant(null), fc.constantFrom('thank-you', 'offer-value'), text),
  planPrecision: fc.constantFrom('time' as const, 'day' as const, null),
  planDueAt: storedInstant,
  planReason: text,
  updatedAt: storedInstant,
  roundId: fc.oneof(fc.constant(null), text),
  stepsSent: fc.nat(),
});

/** The feed's events, unfolded, each as its lines. */
function parsedEvents(feed: string): Map<string, string>[] {
  const unfolded = feed.replace(/\r\n[ \t]/g, '');
  return unfolded
    .split('BEGIN:VEVENT\r\n')
    .slice(1)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
      }
      return fields;
    });
}

const onlyEvent = (feed: string) => {
  const [event, ...rest] = parsedEvents(feed);
  expect(rest).toEqual([]);
  return event!;
};

/** A calendar date as DTSTART writes it. */
const basic = (date: string) => date.replace(/-/g, '');

describe('trackerCalendar', () => {
  it('never fails on stored rows, whatever their dates, and writes a well-formed feed', () => {
    fc.assert(
      fc.property(
        fc.array(storedRow, { maxLength: 8 }),
        fc.constantFrom('Europe/Paris', 'Pacific/Kiritimati', 'Etc/GMT+12', 'UTC', 'Mars/Olympus', ''),
        (rows, timeZone) => {
          const feed = trackerCalendar(rows, { ...options, timeZone });
          expect(feed.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
          expect(feed.endsWith('END:VCALENDAR\r\n')).toBe(true);
          for (const line of feed.slice(0, -2).split('\r\n')) expect(utf8Octets(line)).toBeLessThanOrEqual(75);
          for (const [, date] of feed.matchAll(/DTSTART;VALUE=DATE:(\d+)/g)) {
            expect(date).toMatch(/^20\d{6}$/);
          }
          for (const [, sequence] of feed.matchAll(/\r\nSEQUENCE:(.*)\r\n/g)) {
            expect(Number(sequence)).toBeGreaterThanOrEqual(0);
            expect(Number(sequence)).toBeLessThanOrEqual(2 ** 31 - 1);
          }
          for (const [, stamp] of feed.matchAll(/\r\nLAST-MODIFIED:(.*)\r\n/g)) {
            expect(stamp).toMatch(/^\d{8}T\d{6}Z$/);
          }
          expect(events(feed)).toBeLessThanOrEqual(rows.length);
        },
      ),
      { numRuns: 1000, seed: 20_260_514 },
    );
  });

  it('leaves out an entry due in the year 9999 and keeps the others', () => {
    const feed = trackerCalendar(
      [
        step({ id: 'far', planDueAt: new Date('9999-12-31T09:00:00Z') }),
        step({ id: 'o1' }),
        step({ id: 'gone', planDueAt: new Date(Number.NaN) }),
      ],
      options,
    );
    expect(events(feed)).toBe(1);
    expect(feed).toContain('DTSTART;VALUE=DATE:20260323\r\n');
    expect(feed).not.toContain('far-');
  });

  it('writes an entry due on the last day it accepts', () => {
    const feed = trackerCalendar([step({ planDueAt: new Date('2099-12-31T09:00:00Z') })], options);
    expect(feed).toContain('DTSTART;VALUE=DATE:20991231\r\nDTEND;VALUE=DATE:21000101\r\n');
  });

  it('puts an overdue follow-up on today, marked, with the day it was due', () => {
    // 2026-03-20 17:05 in Paris; the check-in was due by the end of Wed 18 Mar.
    const feed = trackerCalendar([step({ planDueAt: new Date('2026-03-18T22:59:59.999Z') })], options);
    const event = onlyEvent(feed);
    expect(event.get('DTSTART;VALUE=DATE')).toBe('20260320');
    expect(event.get('DTEND;VALUE=DATE')).toBe('20260321');
    expect(event.get('SUMMARY')).toBe('Overdue: Status check-in: Priya Shah\\, Acme');
    expect(event.get('DESCRIPTION')).toBe('Was due Wed 18 Mar. Check in today.');
  });

  it('names the hour a timed step was due by', () => {
    const thankYou = step({
      planStep: 'thank-you',
      planPrecision: 'time',
      planDueAt: new Date('2026-03-19T14:00:00Z'),
    });
    const event = onlyEvent(trackerCalendar([thankYou], options));
    expect(event.get('SUMMARY')).toBe('Overdue: Thank-you note: Priya Shah\\, Acme');
    expect(event.get('DESCRIPTION')).toBe('Was due by Thu 19 Mar\\, 3:00 pm. Check in today.');
  });

  it('keeps a follow-up not yet due on its own day, unmarked', () => {
    const event = onlyEvent(trackerCalendar([step()], options));
    expect(event.get('DTSTART;VALUE=DATE')).toBe('20260323');
    expect(event.get('SUMMARY')).toBe('Status check-in: Priya Shah\\, Acme');
    expect(event.get('DESCRIPTION')).toBe('Check in today.');
  });

  it('does not mark a follow-up due today as overdue, even when its hour has passed', () => {
    for (const planDueAt of [
      new Date('2026-03-20T09:00:00Z'), // 10:00 in Paris, hours ago
      new Date('2026-03-19T23:30:00Z'), // 00:30 on the 20th in Paris, though the 19th in UTC
      new Date('2026-03-20T22:59:59.999Z'), // the end of the day in Paris
    ]) {
      const event = onlyEvent(trackerCalendar([step({ planDueAt, planPrecision: 'time' })], options));
      expect(event.get('DTSTART;VALUE=DATE'), planDueAt.toISOString()).toBe('20260320');
      expect(event.get('SUMMARY'), planDueAt.toISOString()).not.toMatch(/Overdue/);
    }
  });

  it('keeps an event’s UID when its due date moves, and gives another follow-up its own', () => {
    const uid = (overrides: Partial<DueStep>) => onlyEvent(trackerCalendar([step(overrides)], options)).get('UID');
    const original = uid({});
    expect(original).toBe('o1/c1/first-check-in/0@own-the-follow-up');
    expect(uid({ planDueAt: new Date('2026-03-25T22:59:59.999Z') })).toBe(original);
    expect(uid({ planDueAt: new Date('2026-03-02T22:59:59.999Z') })).toBe(original); // now overdue
    expect(uid({ planReason: 'Check in Wednesday.', updatedAt: new Date('2026-03-19T08:00:00Z') })).toBe(original);
    const others = [
      uid({ id: 'o2' }),
      uid({ planStep: 'thank-you' }),
      uid({ roundId: 'c2' }), // a new round: another interview
      uid({ roundId: null }),
      uid({ planStep: 'persistent-check-in', stepsSent: 1 }), // the 2nd check-in is not the 1st
      uid({ planStep: 'persistent-check-in', stepsSent: 0 }),
    ];
    expect(new Set([original, ...others]).size).toBe(others.length + 1);
  });

  it('raises SEQUENCE when the entry changes, and each day an overdue event moves to the new today', () => {
    const sequence = (overrides: Partial<DueStep>, now = options.now) =>
      Number(onlyEvent(trackerCalendar([step(overrides)], { ...options, now })).get('SEQUENCE'));
    const before = sequence({});
    expect(before).toBeGreaterThan(0);
    expect(sequence({}, new Date('2026-03-21T10:00:00Z'))).toBe(before); // nothing changed, nothing moved
    expect(sequence({ updatedAt: new Date('2026-03-19T10:00:00Z') })).toBeGreaterThan(before);

    const overdue = { planDueAt: new Date('2026-03-18T22:59:59.999Z') };
    const today = sequence(overdue);
    const tomorrow = sequence(overdue, new Date('2026-03-21T08:00:00Z'));
    expect(today).toBeGreaterThan(before);
    expect(tomorrow).toBeGreaterThan(today);
    expect(sequence(overdue, new Date('2026-03-20T22:00:00Z'))).toBe(today); // later the same day in Paris
  });

  it('never dates a revision after the feed’s own time', () => {
    const event = onlyEvent(trackerCalendar([step({ updatedAt: new Date('2099-01-01T00:00:00Z') })], options));
    expect(event.get('LAST-MODIFIED')).toBe('20260320T160509Z');
  });

  it('says how many follow-ups it left out, and only when it left some out', () => {
    const description = (leftOut?: number) =>
      /\r\nX-WR-CALDESC:(.*)\r\n/.exec(
        trackerCalendar([step(), step({ id: 'o2' })], { ...options, leftOut }).replace(/\r\n[ \t]/g, ''),
      )![1]!;
    for (const none of [undefined, 0]) {
      expect(description(none)).toContain('Overdue ones are on today.');
      expect(description(none)).not.toMatch(/more|Showing/);
    }
    expect(description(37)).toMatch(
      /Showing the 2 due soonest\\; 37 more are in your tracker at https:\/\/follow\.example\/tracker$/,
    );
    expect(description(1)).toContain('\\; 1 more is in your tracker at');
    const feed = trackerCalendar([step()], { ...options, leftOut: 37 }).replace(/\r\n[ \t]/g, '');
    expect(feed).toMatch(/\r\nDESCRIPTION:Your follow-ups[^\r]*37 more are[^\r]*\r\nX-WR-CALDESC:/);
  });

  it('puts every event on today or later, marked overdue exactly when it was due before today', () => {
    const day = 86_400_000;
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2098-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.array(fc.integer({ min: -90 * day, max: 90 * day }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('Europe/Paris', 'Pacific/Kiritimati', 'Etc/GMT+12', 'America/St_Johns', 'UTC'),
        (now, offsets, timeZone) => {
          const rows = offsets.map((offset, index) =>
            step({ id: `o${index}`, planDueAt: new Date(now.getTime() + offset) }),
          );
          const today = localDate(now, timeZone);
          const events = parsedEvents(trackerCalendar(rows, { ...options, timeZone, now }));
          expect(events).toHaveLength(rows.length);
          events.forEach((event, index) => {
            const dueDate = localDate(rows[index]!.planDueAt!, timeZone);
            const date = event.get('DTSTART;VALUE=DATE')!;
            expect(date >= basic(today)).toBe(true);
            expect(date).toBe(basic(dueDate < today ? today : dueDate));
            expect(event.get('SUMMARY')!.startsWith('Overdue: ')).toBe(dueDate < today);
          });
        },
      ),
      { numRuns: 300, seed: 20_261_202 },
    );
  });
});
