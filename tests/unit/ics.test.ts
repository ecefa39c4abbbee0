import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarFeed, escapeText, foldLine, revisionNumber, type CalendarEvent } from '../../src/lib/tracker/ics';

const now = new Date('2026-03-20T16:05:09.123Z');

function event(overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    uid: 'step-o1-thank-you@ownthefollowup.example',
    date: '2026-03-23',
    summary: 'Thank-you note: Acme',
    description: 'Send it today.',
    url: 'https://ownthefollowup.example/tracker/o1',
    ...overrides,
  };
}

/** RFC 5545 §3.1: a line break followed by a space or tab continues the previous line. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

const utf8Octets = (text: string) => new TextEncoder().encode(text).length;

describe('calendarFeed', () => {
  it('writes a calendar with one all-day event per follow-up', () => {
    expect(calendarFeed({ name: 'Follow-ups', events: [event()], now })).toBe(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//Own the Follow-Up//Tracker//EN',
        'CALSCALE:GREGORIAN',
        'METHOD:PUBLISH',
        'X-WR-CALNAME:Follow-ups',
        'BEGIN:VEVENT',
        'UID:step-o1-thank-you@ownthefollowup.example',
        'DTSTAMP:20260320T160509Z',
        'DTSTART;VALUE=DATE:20260323',
        'DTEND;VALUE=DATE:20260324',
        'SUMMARY:Thank-you note: Acme',
        'DESCRIPTION:Send it today.',
        'URL:https://ownthefollowup.example/tracker/o1',
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n'),
    );
  });

  it('writes an empty calendar when nothing is due', () => {
    const feed = calendarFeed({ name: 'Follow-ups', events: [], now });
    expect(feed).toMatch(/^BEGIN:VCALENDAR\r\n[\s\S]*X-WR-CALNAME:Follow-ups\r\nEND:VCALENDAR\r\n$/);
    expect(feed).not.toContain('VEVENT');
  });

  it('describes the calendar after its name, escaped and folded, for apps that read either property', () => {
    const description = 'Showing the 500 due soonest; 37 more are in your tracker at https://follow.example/tracker';
    const feed = calendarFeed({ name: 'Follow-ups', description, events: [event()], now });
    for (const line of feed.split('\r\n')) expect(utf8Octets(line)).toBeLessThanOrEqual(75);
    const lines = unfold(feed).split('\r\n');
    const escaped = escapeText(description);
    expect(lines.slice(5, 9)).toEqual([
      'X-WR-CALNAME:Follow-ups',
      `DESCRIPTION:${escaped}`,
      `X-WR-CALDESC:${escaped}`,
      'BEGIN:VEVENT',
    ]);
  });

  it.each([undefined, '', '  '])('writes no calendar description when it is %j', (description) => {
    const feed = calendarFeed({ name: 'Follow-ups', description, events: [event()], now });
    expect(feed).not.toContain('X-WR-CALDESC');
    expect(feed.match(/\r\nDESCRIPTION:/g)).toHaveLength(1); // the event's own
  });

  it('numbers an event’s revision by when it was revised, and writes none without one', () => {
    const revised = (revisedAt: Date) => {
      const lines = calendarFeed({ name: 'A', events: [event({ revisedAt })], now }).split('\r\n');
      return lines.filter((line) => /^(LAST-MODIFIED|SEQUENCE):/.test(line));
    };
    expect(revised(new Date('2026-03-19T08:30:15.500Z'))).toEqual([
      'LAST-MODIFIED:20260319T083015Z',
      `SEQUENCE:${revisionNumber(new Date('2026-03-19T08:30:15.500Z'))}`,
    ]);
    expect(revisionNumber(new Date('2000-01-01T00:01:00Z'))).toBe(1);
    expect(revisionNumber(new Date('2026-03-19T08:31:00Z'))).toBeGreaterThan(
      revisionNumber(new Date('2026-03-19T08:30:15Z')),
    );
    expect(revisionNumber(new Date('1999-06-01T00:00:00Z'))).toBe(0);
    for (const bad of [new Date(Number.NaN), new Date('+010000-01-01T00:00:00Z')]) expect(revised(bad)).toEqual([]);
    expect(calendarFeed({ name: 'A', events: [event()], now })).not.toMatch(/SEQUENCE|LAST-MODIFIED/);
  });

  it('never lowers the revision number as time goes on, and keeps it an INTEGER', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.date({ noInvalidDate: true }), (a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        expect(revisionNumber(earlier)).toBeLessThanOrEqual(revisionNumber(later));
        expect(Number.isInteger(revisionNumber(later))).toBe(true);
        expect(revisionNumber(later)).toBeGreaterThanOrEqual(0);
        expect(revisionNumber(later)).toBeLessThanOrEqual(2 ** 31 - 1);
      }),
      { numRuns: 500, seed: 20_261_202 },
    );
  });

  it('uses only CRLF line ends', () => {
    const feed = calendarFeed({ name: 'A', events: [event({ description: 'one\ntwo\r\nthree\rfour' })], now });
    expect(feed.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('escapes text values and leaves the URL unescaped', () => {
    const feed = calendarFeed({
      name: 'Dana; Acme, Inc.',
      events: [
        event({
          uid: 'a,b;c',
          summary: 'Check in: Acme, Inc.; "Design"',
          description: 'C:\\path\\to\nLine two\r\nLine three\u0007',
          url: 'https://example.com/a?b=1,2;c\n',
        }),
      ],
      now,
    });
    const lines = unfold(feed).split('\r\n');
    expect(lines).toContain('X-WR-CALNAME:Dana\\; Acme\\, Inc.');
    expect(lines).toContain('UID:a\\,b\\;c');
    expect(lines).toContain('SUMMARY:Check in: Acme\\, Inc.\\; "Design"');
    expect(lines).toContain('DESCRIPTION:C:\\\\path\\\\to\\nLine two\\nLine three');
    expect(lines).toContain('URL:https://example.com/a?b=1,2;c');
  });

  it('leaves out a blank URL', () => {
    expect(calendarFeed({ name: 'A', events: [event({ url: ' ' })], now })).not.toContain('URL:');
  });

  it.each([
    ['within a month', '2026-03-23', '20260324'],
    ['across a month end', '2026-04-30', '20260501'],
    ['across February in a common year', '2026-02-28', '20260301'],
    ['onto a leap day', '2028-02-28', '20280229'],
    ['across a year end', '2026-12-31', '20270101'],
  ])('ends an all-day event on the next day %s', (_name, date, end) => {
    const feed = calendarFeed({ name: 'A', events: [event({ date })], now });
    expect(feed).toContain(`\r\nDTSTART;VALUE=DATE:${date.replace(/-/g, '')}\r\nDTEND;VALUE=DATE:${end}\r\n`);
  });

  it.each(['2026-02-30', '2026-3-5', 'soon'])('refuses the malformed date %s', (date) => {
    expect(() => calendarFeed({ name: 'A', events: [event({ date })], now })).toThrow(RangeError);
  });

  it('folds a long unicode summary into lines of at most 75 octets that unfold to the text', () => {
    const summary = 'Merci à Zoë — 東京チームとの面接 🙏🏽👩‍💻 ; follow up, then close the loop. '.repeat(4);
    const feed = calendarFeed({ name: 'A', events: [event({ summary })], now });
    const physical = feed.split('\r\n');
    for (const line of physical) expect(utf8Octets(line)).toBeLessThanOrEqual(75);
    expect(physical.filter((line) => line.startsWith(' ')).length).toBeGreaterThan(3);
    // No piece starts or ends inside a surrogate pair (so none inside a UTF-8 sequence).
    for (const line of physical) expect(line).not.toMatch(/^ ?[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    expect(unfold(feed).split('\r\n')).toContain(`SUMMARY:${escapeText(summary)}`);
  });
});

describe('foldLine', () => {
  it('leaves a line of exactly 75 octets alone', () => {
    const line = `SUMMARY:${'x'.repeat(67)}`;
    expect(foldLine(line)).toBe(line);
  });

  it('folds at 75 octets, then 74 plus the leading space', () => {
    const line = `SUMMARY:${'x'.repeat(200)}`;
    const pieces = foldLine(line).split('\r\n');
    // 208 octets: 75 on the first line, then 74 and 59, each after its space.
    expect(pieces.map(utf8Octets)).toEqual([75, 1 + 74, 1 + 59]);
    expect(pieces.slice(1).every((piece) => piece.startsWith(' '))).toBe(true);
    expect(unfold(foldLine(line))).toBe(line);
  });

  it('moves a multi-byte character that would straddle the limit to the next line', () => {
    // 74 ASCII octets, then a 3-octet character that would end at octet 77.
    const line = `${'a'.repeat(74)}東b`;
    expect(foldLine(line)).toBe(`${'a'.repeat(74)}\r\n 東b`);
  });
});
