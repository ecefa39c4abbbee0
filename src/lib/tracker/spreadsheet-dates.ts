/**
 * Dates as spreadsheets write them, read into the ISO `YYYY-MM-DD` the forms' rules check.
 * Excel shows and saves dates in the machine's locale: `07.12.2026` in Germany, `07/12/2026`
 * in Britain, `12/07/2026` in the United States. Pure.
 */

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** How `03/04/2026` is read when nothing in the date itself tells. */
export type DateOrder = 'day-first' | 'month-first';

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
// LibreOffice's and Excel's short date formats write the year with two digits: `07.12.26`, `12/7/26`.
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})$/;
const SLASHED = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})$/;
// Month names, as Numbers and Google Sheets write dates in their long formats: `7 Dec 2026`,
// `7-Dec-26`, `Dec 7, 2026`, `December 7 2026`.
const DAY_MONTH_YEAR = /^(\d{1,2})[\s-]+([a-z]{3,9})\.?[\s,-]+(\d{4}|\d{2})$/i;
const MONTH_DAY_YEAR = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}|\d{2})$/i;

/** A two-digit year is this century's: every date a member may enter is between 2000 and 2099. */
function fullYear(year: string): string {
  return year.length === 2 ? `20${year}` : year;
}

function iso(year: string, month: string | number, day: string | number): string {
  return `${fullYear(year)}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 1 to 12 for an English month's name or its first three letters (`Sept` too); 0 for anything else. */
function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.findIndex(
    (month) => month.toLowerCase() === lower || (lower.length >= 3 && month.toLowerCase().startsWith(lower)),
  );
  return index + 1;
}

/** A slashed date whose day and month could be either way round, like 03/04/2026. */
export function isAmbiguousDate(value: string): boolean {
  const match = SLASHED.exec(value.trim());
  if (!match) return false;
  const [first, second] = [Number(match[1]), Number(match[2])];
  // A 0 is no day or month: such a date is refused later, and never named in the notice.
  return first >= 1 && second >= 1 && first <= 12 && second <= 12 && first !== second;
}

/**
 * The order a file's slashed dates follow: month first only when some date could only be month
 * first (its second number is over 12) and none could only be day first; else day first.
 */
export function dateOrderOf(values: Iterable<string>): DateOrder {
  let dayFirst = false;
  let monthFirst = false;
  for (const value of values) {
    const match = SLASHED.exec(value.trim());
    if (!match) continue;
    if (Number(match[1]) > 12) dayFirst = true;
    if (Number(match[2]) > 12) monthFirst = true;
  }
  return monthFirst && !dayFirst ? 'month-first' : 'day-first';
}

/**
 * `2026-12-07`, `2026/12/7`, `7.12.2026` (always day first), `7/12/2026` or `7-12-2026` (in
 * `order`, unless one number is over 12 and so must be the day), two-digit years, and English
 * month names (`7 Dec 2026`, `Dec 7, 2026`) as `2026-12-07`. Anything else comes back unchanged,
 * for the date rule to refuse in its own words.
 */
export function spreadsheetDate(value: string, order: DateOrder): string {
  const text = value.trim();
  let match = ISO.exec(text);
  if (match) return iso(match[1]!, match[2]!, match[3]!);
  match = DOTTED.exec(text);
  if (match) return iso(match[3]!, match[2]!, match[1]!);
  match = SLASHED.exec(text);
  if (match) {
    const [first, second] = [Number(match[1]), Number(match[2])];
    const monthFirst = first > 12 ? false : second > 12 ? true : order === 'month-first';
    return monthFirst ? iso(match[3]!, first, second) : iso(match[3]!, second, first);
  }
  match = DAY_MONTH_YEAR.exec(text);
  if (match && monthNumber(match[2]!) > 0) return iso(match[3]!, monthNumber(match[2]!), match[1]!);
  match = MONTH_DAY_YEAR.exec(text);
  if (match && monthNumber(match[1]!) > 0) return iso(match[3]!, monthNumber(match[1]!), match[2]!);
  return value;
}

/** The notice for a file with ambiguous dates: which reading was assumed, with its first example. */
export function dateOrderNotice(example: string, order: DateOrder): string {
  const read = spreadsheetDate(example, order);
  const [year, month, day] = read.split('-').map(Number) as [number, number, number];
  const other = order === 'day-first' ? 'month first (as in the United States)' : 'day first';
  return `Dates such as ${example.trim()} were read ${order === 'day-first' ? 'day first' : 'month first'}, as ${day} ${MONTHS[month - 1]} ${year}. If your file writes them ${other}, change them to the form ${year}-MM-DD and import it again.`;
}
