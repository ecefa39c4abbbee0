/** CSV for spreadsheets. Pure. */
import Papa from 'papaparse';

/** One CSV cell: quoted, and never read as a formula by a spreadsheet (a leading = + - @ is defused). */
export function csvCell(value: unknown): string {
  let text = value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
  if (/^'*[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvCell).join(',') + '\r\n';
}

/** A column of a CSV file: its header and the cell a row gives it. */
export type CsvColumn<Row> = readonly [header: string, cell: (row: Row) => unknown];

/** A whole CSV file: the header row, then one row for each item. */
export function csvTable<Row>(columns: readonly CsvColumn<Row>[], rows: Iterable<Row>): string {
  let text = csvRow(columns.map(([header]) => header));
  for (const row of rows) text += csvRow(columns.map(([, cell]) => cell(row)));
  return text;
}

/** A file that is not valid CSV. `line` is the physical line (1-based) where reading failed. */
export class CsvError extends Error {
  readonly line: number;
  /**
   * The record (spreadsheet row, 1-based) being read when it failed. It differs from `line`
   * once a quoted cell earlier in the file held a line break.
   */
  readonly row: number;

  constructor(message: string, line: number, row: number) {
    super(message);
    this.name = 'CsvError';
    this.line = line;
    this.row = row;
  }
}

/** A cell csvCell defused: an apostrophe put in front of a character a spreadsheet reads as a formula. */
const DEFUSED_CELL = /^''*[=+\-@\t\r]/;

/** Undoes csvCell's defusing so an exported file imports as the text it was made from. */
export function restoreCell(text: string): string {
  return DEFUSED_CELL.test(text) ? text.slice(1) : text;
}

/** The separators spreadsheets write: a comma, a semicolon (Excel where the comma is the decimal mark), a tab. */
export const CSV_DELIMITERS = [',', ';', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** The cells of a file's first record split by `delimiter`, quotes respected (a header rarely has any). */
function firstRecordCells(text: string, delimiter: CsvDelimiter): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\r' || char === '\n')) break;
    else if (!quoted && char === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/**
 * The separator a CSV file uses, judged by its first row: the one that splits it into the most
 * cells that `isKnownHeader` recognises, then into the most cells; a comma when nothing tells.
 */
export function detectCsvDelimiter(text: string, isKnownHeader: (cell: string) => boolean = () => false): CsvDelimiter {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let best: CsvDelimiter = ',';
  let bestScore = [-1, -1];
  for (const delimiter of CSV_DELIMITERS) {
    const cells = firstRecordCells(input, delimiter);
    const score = [cells.filter((cell) => isKnownHeader(cell)).length, cells.length];
    if (score[0]! > bestScore[0]! || (score[0] === bestScore[0] && score[1]! > bestScore[1]!)) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Reads CSV text (RFC 4180) into rows of cells. Accepts CRLF, LF or a lone CR between records,
 * quoted cells with `""` escapes and line breaks inside them, and a leading byte order mark.
 * Blank lines at the end are dropped; a blank line elsewhere is kept as a row of one empty cell
 * so row numbers still match what a spreadsheet shows. Throws CsvError on an unclosed quote or a
 * quote inside an unquoted cell.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = ','): string[][] {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  // Whether each row was a truly empty line, so trailing ones can be dropped at the end.
  const blank: boolean[] = [];
  let row: string[] = [];
  let cell = '';
  let line = 1;
  let rowStarted = false;
  let index = 0;

  const fail = (message: string) => new CsvError(message, line, rows.length + 1);
  const endCell = () => {
    row.push(restoreCell(cell));
    cell = '';
  };
  const endRow = () => {
    endCell();
    blank.push(row.length === 1 && row[0] === '' && !rowStarted);
    rows.push(row);
    row = [];
    rowStarted = false;
  };
  /** Length of the line break at `at` (CRLF is one break), or 0. */
  const lineBreakAt = (at: number) =>
    input[at] === '\r' ? (input[at + 1] === '\n' ? 2 : 1) : input[at] === '\n' ? 1 : 0;

  while (index < input.length) {
    const char = input[index];
    // A quote opens a quoted cell only as a cell's first character; the check after the
    // closing quote below means a quoted cell is always followed by a separator or a break.
    if (char === '"' && cell === '') {
      // Read to the closing quote, keeping line breaks and "" escapes.
      const openedOn = line;
      rowStarted = true;
      index += 1;
      for (;;) {
        if (index >= input.length)
          throw new CsvError(`A quoted cell opened on line ${openedOn} is never closed.`, openedOn, rows.length + 1);
        const inner = input[index];
        if (inner === '"') {
          if (input[index + 1] === '"') {
            cell += '"';
            index += 2;
            continue;
          }
          index += 1;
          break;
        }
        const breakLength = lineBreakAt(index);
        if (breakLength > 0) line += 1;
        cell += input.slice(index, index + Math.max(breakLength, 1));
        index += Math.max(breakLength, 1);
      }
      // After the closing quote only a separator, a line break or the end may follow.
      if (index < input.length && input[index] !== delimiter && lineBreakAt(index) === 0)
        throw fail(`Line ${line} has text straight after a closing quote.`);
      continue;
    }
    if (char === '"') throw fail(`Line ${line} has a quote inside a cell that does not start with one.`);
    if (char === delimiter) {
      endCell();
      rowStarted = true;
      index += 1;
      continue;
    }
    const breakLength = lineBreakAt(index);
    if (breakLength > 0) {
      endRow();
      line += 1;
      index += breakLength;
      continue;
    }
    cell += char;
    rowStarted = true;
    index += 1;
  }
  if (rowStarted) endRow();
  while (blank.length > 0 && blank[blank.length - 1]) {
    blank.pop();
    rows.pop();
  }
  return rows;
}

/** A record readCsvLeniently could not read, numbered as a spreadsheet shows it (1-based). */
export interface UnreadableCsvRow {
  row: number;
  message: string;
}

export interface LenientCsv {
  /** Every record, an unreadable one as an empty row so later row numbers still match. */
  rows: string[][];
  unreadable: UnreadableCsvRow[];
}

/**
 * Reads CSV the way a spreadsheet does (with papaparse): a stray quote inside a cell
 * (`O"Reilly Media`) is kept as text. A quote that is never closed would swallow the rest of
 * the file, so the line it opened on is reported as unreadable and reading starts again on the
 * next line. Defused cells are restored (see csvCell), and a leading byte order mark is ignored.
 */
export function readCsvLeniently(text: string, delimiter: CsvDelimiter = ','): LenientCsv {
  let rest = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const rows: string[][] = [];
  const unreadable: UnreadableCsvRow[] = [];
  const config = { delimiter, skipEmptyLines: false } as const;
  while (rest !== '') {
    const parsed = Papa.parse<string[]>(rest, config);
    // A quote that is never closed, or closed in the middle of a cell: either way the quoted
    // cell may have run on into the rows below, so its record is not to be trusted.
    const broken = parsed.errors.find((error) => error.code === 'MissingQuotes' || error.code === 'InvalidQuotes');
    if (!broken || broken.row === undefined) {
      rows.push(...parsed.data.map((cells) => cells.map(restoreCell)));
      break;
    }
    // The records before the broken one are sound; skip the broken one's first line only.
    const good = broken.row;
    const start = good === 0 ? 0 : Papa.parse<string[]>(rest, { ...config, preview: good }).meta.cursor;
    rows.push(...parsed.data.slice(0, good).map((cells) => cells.map(restoreCell)));
    const row = rows.length + 1;
    rows.push([]);
    unreadable.push({
      row,
      message: `This row could not be read: a quote in it is never closed where the cell ends. Remove the stray " or put the whole cell in quotes, and import this row again.`,
    });
    const lineBreak = /\r\n|\r|\n/.exec(rest.slice(start));
    if (!lineBreak) break;
    rest = rest.slice(start + lineBreak.index + lineBreak[0].length);
  }
  return { rows, unreadable };
}
