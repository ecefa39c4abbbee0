/**
 * Dates as spreadsheets write them, read into the ISO `YYYY-MM-DD` the forms' rules check.
 * Excel shows and saves dates in the machine's locale: `07.12.2026` in Germany, `07/12/2026`
 * in Britain, `12/07/2026` in the United States. Pure.
 */

/** How `03/04/2026` is read when nothing in the date itself tells. */
export type DateOrder = 'day-first' | 'month-first';

const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const SLASHED = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/;

function iso(year: string, month: string | number, day: string | number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A slashed date whose day and month could be either way round, like 03/04/2026. */
export function isAmbiguousDate(value: string): boolean {
  const match = SLASHED.exec(value.trim());
  if (!match) return false;
  const [first, second] = [Number(match[1]), Number(match[2])];
  return first <= 12 && second <= 12 && first !== second;
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
 * `2026-12-07`, `2026/12/7`, `7.12.2026` (always day first), and `7/12/2026` or `7-12-2026`
 * (in `order`, unless one number is over 12 and so must be the day) as `2026-12-07`. Anything
 * else comes back unchanged, for the date rule to refuse in its own words.
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
  return value;
}

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

/** The notice for a file with ambiguous dates: which reading was assumed, with its first example. */
export function dateOrderNotice(example: string, order: DateOrder): string {
  const read = spreadsheetDate(example, order);
  const [year, month, day] = read.split('-').map(Number) as [number, number, number];
  const other = order === 'day-first' ? 'month first (as in the United States)' : 'day first';
  return `Dates such as ${example.trim()} were read ${order === 'day-first' ? 'day first' : 'month first'}, as ${day} ${MONTHS[month - 1]} ${year}. If your file writes them ${other}, change them to the form ${year}-MM-DD and import it again.`;
}
