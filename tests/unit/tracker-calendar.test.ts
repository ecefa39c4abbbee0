/**
 * The calendar feed is built from stored rows, some of them written before dates were checked at
 * input: it never fails on one, and leaves out what a calendar cannot show.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trackerCalendar, type DueStep } from '../../src/lib/tracker/calendar';

const options = { timeZone: 'Europe/Paris', siteUrl: 'https://follow.example', now: new Date('2026-03-20T16:05:09Z') };

function step(overrides: Partial<DueStep> = {}): DueStep {
  return {
    id: 'o1',
    company: 'Acme',
    contactName: 'Priya Shah',
    planStep: 'first-check-in',
    planDueAt: new Date('2026-03-23T08:00:00Z'),
    planReason: 'Check in today.',
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
  planDueAt: storedInstant,
  planReason: text,
});

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
});
