/**
 * Calendar dates, working days and wall-clock times in a member's own time zone. Pure: the
 * instant is always passed in. A calendar date is a `YYYY-MM-DD` string, which sorts and
 * compares as text; an instant is a Date.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a zone name the runtime knows (IANA, e.g. `Europe/London`, or `UTC`). */
export function isTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export interface LocalParts {
  /** `YYYY-MM-DD` */
  date: string;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock date and time of an instant in a zone. */
export function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of partsFormatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

export function localDate(at: Date, timeZone: string): string {
  return localParts(at, timeZone).date;
}

/** `HH:MM` on the zone's 24-hour clock, as a time input shows it. */
export function localClockTime(at: Date, timeZone: string): string {
  const { hour, minute } = localParts(at, timeZone);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function utcOfDate(date: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}

function dateOfUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const local = localParts(new Date(ms), timeZone);
  const wall = utcOfDate(local.date) + ((local.hour * 60 + local.minute) * 60 + local.second) * 1000;
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock date and time happen in a zone. A time skipped by a daylight-saving
 * change moves forward by the size of the jump (2:30 on a spring-forward night is 3:30); a time
 * that happens twice is its first occurrence.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const wall = utcOfDate(date) + (hour * 60 + minute) * 60_000;
  const before = wall - offsetAt(wall - 86_400_000, timeZone);
  const after = wall - offsetAt(wall + 86_400_000, timeZone);
  const matches = (ms: number) => {
    const local = localParts(new Date(ms), timeZone);
    return local.date === date && local.hour === hour && local.minute === minute;
  };
  const valid = [before, after].filter(matches);
  return new Date(valid.length > 0 ? Math.min(...valid) : before);
}

/** The first instant of a calendar date in a zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return zonedInstant(date, '00:00', timeZone);
}

/** The last millisecond of a calendar date in a zone. */
export function endOfLocalDay(date: string, timeZone: string): Date {
  return new Date(startOfLocalDay(addDays(date, 1), timeZone).getTime() - 1);
}

export function addDays(date: string, days: number): string {
  return dateOfUtc(utcOfDate(date) + days * 86_400_000);
}

/** 0 is Sunday, 6 is Saturday. */
export function weekdayOf(date: string): number {
  return new Date(utcOfDate(date)).getUTCDay();
}

/**
 * The public holidays a member's working days skip. Built on the server from the member's country
 * and region (src/lib/time/holiday-calendar.server.ts) and passed in, so the rules stay pure.
 */
export interface WorkingCalendar {
  /** The holiday's name on a `YYYY-MM-DD` date, or undefined on an ordinary day. */
  isHoliday(date: string): string | undefined;
}

/** No public holidays: working days are Monday to Friday, as for a member with no country set. */
export const WEEKENDS_ONLY: WorkingCalendar = { isHoliday: () => undefined };

/** A calendar of named dates (`{ '2026-12-25': 'Christmas Day' }`). */
export function calendarOfDates(holidays: Readonly<Record<string, string>>): WorkingCalendar {
  return { isHoliday: (date) => (Object.hasOwn(holidays, date) ? holidays[date] : undefined) };
}

/** Monday to Friday, and not a public holiday of the calendar. */
export function isWorkingDay(date: string, calendar: WorkingCalendar = WEEKENDS_ONLY): boolean {
  const weekday = weekdayOf(date);
  return weekday !== 0 && weekday !== 6 && calendar.isHoliday(date) === undefined;
}

/** The date `count` working days after `date` (count ≥ 1); `date` itself never counts. */
export function addWorkingDays(date: string, count: number, calendar: WorkingCalendar = WEEKENDS_ONLY): string {
  let day = date;
  for (let left = count; left > 0;) {
    day = addDays(day, 1);
    if (isWorkingDay(day, calendar)) left -= 1;
  }
  return day;
}

/** `date` itself when it is a working day, else the first working day after it. */
export function nextWorkingDay(date: string, calendar: WorkingCalendar = WEEKENDS_ONLY): string {
  return isWorkingDay(date, calendar) ? date : addWorkingDays(date, 1, calendar);
}

/** How many working days fall after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(from: string, to: string, calendar: WorkingCalendar = WEEKENDS_ONLY): number {
  let count = 0;
  for (let day = from; day < to;) {
    day = addDays(day, 1);
    if (isWorkingDay(day, calendar)) count += 1;
  }
  return count;
}

/**
 * The names of the holidays in the days off just before `date` (a weekend and the holidays
 * around it), oldest first and each once: what a date pushed past holidays was pushed past.
 */
export function holidaysJustBefore(date: string, calendar: WorkingCalendar): string[] {
  const names: string[] = [];
  // A year of days off in a row is no calendar's: the bound only guards against a broken one.
  for (let day = addDays(date, -1), left = 366; left > 0 && !isWorkingDay(day, calendar); left -= 1) {
    const name = calendar.isHoliday(day);
    if (name !== undefined && !names.includes(name)) names.unshift(name);
    day = addDays(day, -1);
  }
  return names;
}

const dayFormat = new Map<string, Intl.DateTimeFormat>();
const timeFormat = new Map<string, Intl.DateTimeFormat>();

/** `Tue 3 Dec` for an instant in a zone, or for a calendar date. */
export function formatDay(at: Date | string, timeZone = 'UTC'): string {
  const zone = typeof at === 'string' ? 'UTC' : timeZone;
  const instant = typeof at === 'string' ? new Date(utcOfDate(at)) : at;
  let formatter = dayFormat.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', day: 'numeric', month: 'short' });
    dayFormat.set(zone, formatter);
  }
  return formatter.format(instant).replace(',', '');
}

/** `3:00 pm` for an instant in a zone. */
export function formatTime(at: Date, timeZone: string): string {
  let formatter = timeFormat.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit', hour12: true });
    timeFormat.set(timeZone, formatter);
  }
  return formatter
    .format(at)
    .replace(/\s?AM$/, ' am')
    .replace(/\s?PM$/, ' pm');
}

/** `Tue 3 Dec, 3:00 pm` */
export function formatDayTime(at: Date, timeZone: string): string {
  return `${formatDay(at, timeZone)}, ${formatTime(at, timeZone)}`;
}

const dateTimeFormat = new Map<string, Intl.DateTimeFormat>();

/** A zone as a reader sees it named: `Europe/Berlin`, `America/New York`, `UTC`. */
export function zoneLabel(timeZone: string): string {
  return timeZone.replaceAll('_', ' ');
}

/**
 * `26 Nov 2026, 15:50 Europe/Berlin`: a moment in the reader's zone, the zone named, for times that
 * are not the reader's own plans (comments, reviews). Formatters are built once per zone: Intl
 * formatters are costly.
 */
export function formatDateTimeIn(at: Date, timeZone: string): string {
  let formatter = dateTimeFormat.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateTimeFormat.set(timeZone, formatter);
  }
  return `${formatter.format(at)} ${zoneLabel(timeZone)}`;
}
