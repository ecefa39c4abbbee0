/**
 * Follow-up dates as an iCalendar feed (RFC 5545) a member can subscribe to from their own
 * calendar app. Each follow-up is an all-day event on its date. Pure: the feed's timestamp is
 * passed in.
 *
 * A subscribed calendar is read again every few hours and each event matched by its UID. Some
 * apps (Google Calendar among them) keep an event they already hold unless its SEQUENCE went up,
 * so an event moved to another day must carry a higher one. The feed stores no past versions to
 * count from: an event's revision number is the time it was last revised, in minutes.
 */
import { addDays } from '../time/zoned-time';

export interface CalendarEvent {
  /** Stable across refreshes, so a calendar app updates the event rather than adding a copy. */
  uid: string;
  /** `YYYY-MM-DD`: an all-day event. */
  date: string;
  summary: string;
  description: string;
  /** Where to act on it; left out of the event when blank. */
  url: string;
  /**
   * When the event last changed (its date above all): written as LAST-MODIFIED and as its
   * SEQUENCE, which must only grow for one UID. Without it the event is at revision 0.
   */
  revisedAt?: Date;
}

export interface CalendarFeedOptions {
  /** Shown as the calendar's name in apps that read X-WR-CALNAME. */
  name: string;
  /** What the calendar holds, for apps that show it (RFC 7986 DESCRIPTION, X-WR-CALDESC); none when blank. */
  description?: string;
  events: readonly CalendarEvent[];
  now: Date;
}

export const CALENDAR_PRODUCT_ID = '-//Own the Follow-Up//Tracker//EN';

/** RFC 5545 §3.1: content lines are folded to at most 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

/** Control characters TEXT may not contain (tab is allowed; line breaks are escaped first). */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f]/g;

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(CONTROL_CHARACTERS, '');
}

/** A URI value is not TEXT and takes no escapes; it only must not break the line. */
function uriValue(value: string): string {
  return value.replace(CONTROL_CHARACTERS, '').replace(/\s+/g, '').trim();
}

function utf8Length(char: string): number {
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Folds a content line longer than 75 octets: CRLF and a space before each continuation, which
 * then holds at most 74 octets of the line. Splits between code points, never inside a UTF-8
 * sequence, so a reader that unfolds before decoding still sees valid text.
 */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = utf8Length(char);
    if (octets + size > limit) {
      pieces.push(piece);
      piece = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `20261203` from `2026-12-03`. A malformed date would make a feed apps reject whole, so it throws. */
function basicDate(date: string): string {
  const valid = ISO_DATE.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid) throw new RangeError(`Not a calendar date: ${JSON.stringify(date)}`);
  return date.replace(/-/g, '');
}

/** An instant a DATE-TIME can hold: a real time in the years 0000 to 9999. */
function isStampable(at: Date | undefined): at is Date {
  if (!(at instanceof Date) || !Number.isFinite(at.getTime())) return false;
  const year = at.getUTCFullYear();
  return year >= 0 && year <= 9999;
}

/** `20261203T141500Z`: DATE-TIME in UTC, basic format, whole seconds. */
function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The revision numbers start here; a revision at or before it is number 0. */
const REVISION_EPOCH_MS = Date.UTC(2000, 0, 1);
/** SEQUENCE is an INTEGER (RFC 5545 §3.3.8): at most 2^31 - 1, some 4,000 years of minutes. */
const LARGEST_INTEGER = 2 ** 31 - 1;

/** The SEQUENCE of an event last revised at `at`: whole minutes since 2000, so later is never lower. */
export function revisionNumber(at: Date): number {
  const minutes = Math.floor((at.getTime() - REVISION_EPOCH_MS) / 60_000);
  return Number.isFinite(minutes) ? Math.min(Math.max(minutes, 0), LARGEST_INTEGER) : 0;
}

function eventLines(event: CalendarEvent, stamp: string): string[] {
  const lines = ['BEGIN:VEVENT', `UID:${escapeText(event.uid)}`, `DTSTAMP:${stamp}`];
  // RFC 5546 §2.1.4: a PUBLISH raises SEQUENCE whenever DTSTART or DTEND changes. Two revisions
  // within one minute share a number and differ by DTSTAMP only.
  if (isStampable(event.revisedAt))
    lines.push(`LAST-MODIFIED:${utcStamp(event.revisedAt)}`, `SEQUENCE:${revisionNumber(event.revisedAt)}`);
  lines.push(
    `DTSTART;VALUE=DATE:${basicDate(event.date)}`,
    // DTEND is exclusive: an all-day event ends at the start of the next day.
    `DTEND;VALUE=DATE:${basicDate(addDays(event.date, 1))}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
  );
  const url = uriValue(event.url);
  if (url !== '') lines.push(`URL:${url}`);
  lines.push('END:VEVENT');
  return lines;
}

/** The whole feed: CRLF line ends, long lines folded, ending with a line break. */
export function calendarFeed(options: CalendarFeedOptions): string {
  const stamp = utcStamp(options.now);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${CALENDAR_PRODUCT_ID}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(options.name)}`,
  ];
  const description = options.description?.trim() ?? '';
  if (description !== '')
    lines.push(`DESCRIPTION:${escapeText(description)}`, `X-WR-CALDESC:${escapeText(description)}`);
  lines.push(...options.events.flatMap((event) => eventLines(event, stamp)), 'END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
