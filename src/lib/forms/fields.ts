/**
 * The field rules every form, Action and importer shares: a line of text, text of several lines,
 * and a calendar date. Pure.
 *
 * A value typed on one line (a name, a company, a subject) may end up in an email header, a
 * calendar line or a CSV cell, where a line break starts something new: `Bob\r\nBcc: …` in a
 * name would add a header to a mail that quotes it. Such values are refused where they come in,
 * with a message, rather than cleaned somewhere downstream.
 */
import { z } from 'astro/zod';

/** C0 controls (NUL, TAB, CR, LF…), DEL, C1 controls (NEL…) and the Unicode line and paragraph separators. */
const NOT_ON_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** In text of several lines: the same, but for line breaks and tabs. */
const NOT_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const ONE_LINE_MESSAGE = 'Keep this on one line: line breaks and tabs cannot be used here.';
export const CONTROL_CHARACTERS_MESSAGE = 'This has characters we cannot store.';

/** True for text without line breaks, tabs or control characters. */
export function isSingleLine(value: string): boolean {
  return !NOT_ON_ONE_LINE.test(value);
}

/** True for text whose only control characters are line breaks and tabs. */
export function isPlainText(value: string): boolean {
  return !NOT_IN_TEXT.test(value);
}

interface TextOptions {
  max: number;
  /** The message when it is empty; without it, the field may be empty. */
  missing?: string;
  tooLong?: string;
  /** Leading and trailing white space removed (the default). */
  trim?: boolean;
}

function plainText({ max, missing, tooLong, trim = true }: TextOptions) {
  const text = z.string(missing ? { error: missing } : undefined);
  const base = (trim ? text.trim() : text).max(max, tooLong ?? `Keep this under ${max} characters.`);
  return (missing ? base.min(1, missing) : base).refine(isPlainText, CONTROL_CHARACTERS_MESSAGE);
}

/**
 * One line of text people type (a name, a company, a subject, a title, an id): trimmed, at most
 * `max` characters, and refused when it holds a line break, a tab or a control character.
 */
export function singleLineText(options: TextOptions) {
  return plainText(options).refine(isSingleLine, ONE_LINE_MESSAGE);
}

/** Text of several lines (a note, a message): line breaks and tabs kept, other control characters refused. */
export function multiLineText(options: TextOptions) {
  return plainText(options);
}

/** A choice sent as `true` or `false` (the value of a button or a hidden input), read as a boolean. */
export function trueOrFalse() {
  return z.enum(['true', 'false']).transform((value) => value === 'true');
}

/** The longest search a filter form takes (the name, company or address searched for). */
export const MAX_SEARCH_LENGTH = 100;

/**
 * A checkbox: true when ticked (the browser sends `on`), false when left empty (it sends nothing).
 * Any other value did not come from the form and is refused.
 */
export function checkbox(message = 'Tick the box or leave it empty, then send the form again.') {
  return z
    .enum(['on', ''], { error: message })
    .nullish()
    .transform((value) => value === 'on');
}

// ---- Calendar dates ----

/**
 * The dates anyone may type: follow-ups are planned, exported and put in calendars from them, and
 * a year like 9999 overflows what those can write. Nobody's interview is before 2000 or after 2099.
 */
export const EARLIEST_DATE = '2000-01-01';
export const LATEST_DATE = '2099-12-31';

export const DATE_FORMAT_MESSAGE = 'Use a real date, like 2026-12-03.';
export const DATE_RANGE_MESSAGE = 'Check the year: use a date between 2000 and 2099.';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD` naming a day that exists (2026-02-30 does not). Never throws. */
export function isCalendarDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!);
}

/** A calendar date between EARLIEST_DATE and LATEST_DATE. */
export function isDateInRange(value: string): boolean {
  return isCalendarDate(value) && value >= EARLIEST_DATE && value <= LATEST_DATE;
}

const DAY_MS = 86_400_000;
const EARLIEST_INSTANT = Date.parse(`${EARLIEST_DATE}T00:00:00Z`) - DAY_MS;
const LATEST_INSTANT = Date.parse(`${LATEST_DATE}T00:00:00Z`) + 2 * DAY_MS;

/**
 * An instant on one of those dates in some time zone: one the planner and every formatter can
 * work with. False for anything else, including a Date that holds no instant at all.
 */
export function isInstantInRange(at: unknown): at is Date {
  if (!(at instanceof Date)) return false;
  const ms = at.getTime();
  return ms >= EARLIEST_INSTANT && ms < LATEST_INSTANT;
}

/** What is wrong with a typed date, or null when it is a real date in range. */
export function dateProblem(value: string): string | null {
  if (!isCalendarDate(value)) return DATE_FORMAT_MESSAGE;
  return isDateInRange(value) ? null : DATE_RANGE_MESSAGE;
}

function checkDate(value: string, context: z.RefinementCtx) {
  const problem = dateProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
}

/** A date that must be given: `YYYY-MM-DD`, a real day, between 2000 and 2099. */
export function dateField(missing: string) {
  return z.string({ error: missing }).trim().min(1, missing).superRefine(checkDate);
}

/** A date that may be left empty (null then), otherwise as `dateField`. */
export function optionalDateField() {
  return z
    .string()
    .trim()
    .nullish()
    .transform((value) => value || null)
    .superRefine((value, context) => {
      if (value !== null) checkDate(value, context);
    });
}

/**
 * Dates in a page's query string (a filter's from and to): the message for the first one given that
 * is not a real date in range, or null. An empty value counts as not given.
 */
export function queryDateProblem(params: URLSearchParams, names: readonly string[]): string | null {
  for (const name of names) {
    const values = params.getAll(name).filter((value) => value !== '');
    if (values.length > 1) return `Give "${name}" once.`;
    const problem = values[0] === undefined ? null : dateProblem(values[0]);
    if (problem) return `The "${name}" date is not right. ${problem}`;
  }
  return null;
}
