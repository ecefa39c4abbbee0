import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, csvRow, detectCsvDelimiter, parseCsv, readCsvLeniently } from '../../src/lib/data/csv';

/** What parseCsv raises for `text`, or a failure when it does not raise. */
function csvErrorOf(text: string): CsvError {
  try {
    parseCsv(text);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error(`parseCsv accepted ${JSON.stringify(text)}`);
}

describe('parseCsv', () => {
  it.each([
    [
      'plain cells',
      'a,b,c\r\n1,2,3\r\n',
      [
        ['a', 'b', 'c'],
        ['1', '2', '3'],
      ],
    ],
    [
      'LF line ends',
      'a,b\n1,2\n',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'a lone CR line end',
      'a,b\r1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    [
      'no line end after the last row',
      'a,b\r\n1,2',
      [
        ['a', 'b'],
        ['1', '2'],
      ],
    ],
    ['empty cells', ',a,,\r\n', [['', 'a', '', '']]],
    ['quoted commas and escaped quotes', '"x, y","say ""hi"""\r\n', [['x, y', 'say "hi"']]],
    ['line breaks inside quotes are kept as written', '"one\r\ntwo\nthree",z\r\n', [['one\r\ntwo\nthree', 'z']]],
    ['a leading byte order mark', '\uFEFFname,email\r\n', [['name', 'email']]],
    ['trailing blank lines', 'a\r\n\r\n\n', [['a']]],
    ['a blank line in the middle stays a row', 'a\r\n\r\nb\r\n', [['a'], [''], ['b']]],
    ['a quoted empty cell on its own line stays a row', 'a\r\n""\r\n', [['a'], ['']]],
    ['an empty file', '', []],
    ['only a byte order mark', '\uFEFF', []],
    [
      'defused formulas lose their apostrophe',
      `"'=SUM(A1)","'+1","'-2","'@x","'\tt"\r\n`,
      [['=SUM(A1)', '+1', '-2', '@x', '\tt']],
    ],
    ['other apostrophes stay', `"'quoted'",'=x\r\n`, [["'quoted'", '=x']]],
  ])('reads %s', (_name, text, expected) => {
    expect(parseCsv(text)).toEqual(expected);
  });

  it('round trips csvRow output, including text a spreadsheet would read as a formula', () => {
    const rows = [
      ['Acme, Inc.', 'She said "soon"', 'line one\r\nline two\nline three'],
      ['=HYPERLINK("http://evil.example","click")', '+44 20 7946 0000', '-5', '@mention', '\tindented', '\rcarriage'],
      ['Zoë Ðorđević', '東京の会社', 'Thanks 🙏🏽 — talk soon 👩‍💻', ''],
      ['', '', ''],
    ];
    expect(parseCsv(rows.map(csvRow).join(''))).toEqual(rows);
  });

  it('round trips any text at all', () => {
    const cell = fc.string({ unit: 'binary' });
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 5 }), (rows) => {
        expect(parseCsv(rows.map(csvRow).join(''))).toEqual(rows);
      }),
    );
  });

  it('keeps text that already starts with an apostrophe and a formula character', () => {
    expect(csvRow(["'=already defused"])).toBe(`"''=already defused"\r\n`);
    expect(parseCsv(csvRow(["'=already defused", "''+x"]))).toEqual([["'=already defused", "''+x"]]);
  });

  it('rejects an unclosed quote, naming the line it opened on', () => {
    const error = csvErrorOf('a,b\r\n"ok",fine\r\nx,"never closed\r\nmore\r\n');
    expect(error.line).toBe(3);
    expect(error.row).toBe(3);
    expect(error.message).toMatch(/line 3 is never closed/);
  });

  it('rejects a quote inside an unquoted cell, counting lines inside quoted cells', () => {
    const error = csvErrorOf('a,b\r\n"two\r\nlines",x\r\nab"c,d\r\n');
    expect(error.line).toBe(4);
    expect(error.row).toBe(3);
    expect(error.message).toMatch(/Line 4/);
  });

  it('rejects text straight after a closing quote', () => {
    const error = csvErrorOf('a\n"quoted"tail,b\n');
    expect(error).toBeInstanceOf(CsvError);
    expect(error.line).toBe(2);
  });
});

describe('detectCsvDelimiter', () => {
  it('finds a comma, a semicolon or a tab from the first row', () => {
    expect(detectCsvDelimiter('a,b,c\r\n1,2,3')).toBe(',');
    expect(detectCsvDelimiter('\uFEFFa;b;c\r\n1,5;2;3')).toBe(';');
    expect(detectCsvDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t');
    expect(detectCsvDelimiter('"a;x",b,c')).toBe(',');
    expect(detectCsvDelimiter('')).toBe(',');
  });

  it('prefers the separator that yields known column names', () => {
    const known = (cell: string) => ['kind', 'company', 'notes'].includes(cell);
    expect(detectCsvDelimiter('kind;company;notes,with,commas,in,it', known)).toBe(';');
  });

  it('parses with the separator it is given', () => {
    expect(parseCsv('a;"b;c"\r\n1;2', ';')).toEqual([
      ['a', 'b;c'],
      ['1', '2'],
    ]);
  });
});

describe('readCsvLeniently', () => {
  it('reads what csvRow writes, defused cells restored, with or without a byte order mark', () => {
    const rows = [
      ['=1+1', 'a "quoted" word', 'two\r\nlines'],
      ['', '-5', 'plain'],
    ];
    const text = rows.map(csvRow).join('');
    expect(readCsvLeniently(text).rows.slice(0, 2)).toEqual(rows);
    expect(readCsvLeniently('\uFEFF' + text).rows.slice(0, 2)).toEqual(rows);
  });

  it('keeps a stray quote in an unquoted cell, and skips only the line of a quote never closed', () => {
    const result = readCsvLeniently('a,b\r\nO"Reilly Media,1\r\n"open,2\r\nc,3\r\n');
    expect(result.rows.slice(0, 4)).toEqual([['a', 'b'], ['O"Reilly Media', '1'], [], ['c', '3']]);
    expect(result.unreadable).toEqual([{ row: 3, message: expect.stringMatching(/never closed/) }]);
  });

  it('reads with the separator it is given', () => {
    expect(readCsvLeniently('a;"b;c"\n1;2', ';').rows).toEqual([
      ['a', 'b;c'],
      ['1', '2'],
    ]);
  });
});
