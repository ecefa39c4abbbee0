/**
 * Files members really have, as the programs they use write them (tests/fixtures/spreadsheets):
 * each must import with every accent, date and cell as the member typed it, and say what it
 * assumed. A fixture's bytes are its point: the encoding, byte order mark, separator and line ends.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrackerFile } from '../../src/lib/tracker/import-file';
import { localDate, localClockTime } from '../../src/lib/time/zoned-time';

const zone = 'Europe/Berlin';
const now = new Date('2026-12-07T18:00:00Z');
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/spreadsheets', name));

interface Expected {
  /** Each entry as `company / contact / stage`, with its conversations as `date time` in the member's zone. */
  entries: Record<string, string[]>;
  notices?: RegExp[];
  problems?: { row: number; field: string }[];
  decisions?: Record<string, string | null>;
  notes?: Record<string, string>;
}

const FILES: [name: string, program: string, expected: Expected][] = [
  [
    'excel-windows-1252-semicolon.csv',
    'Excel on Windows, German locale: Windows-1252, semicolons, CRLF',
    {
      entries: {
        'Müller GmbH / Jürgen Weiß / open': ['2026-12-02 14:30', '2026-12-04 09:00'],
        'Société Générale / Hélène Dubois / open': ['2026-11-30 11:15'],
      },
      notices: [/read as Windows-1252/],
      decisions: { 'Müller GmbH': '2026-12-11' },
      // A line break inside a cell is kept as the file wrote it (CRLF, as a browser's form sends one too).
      notes: { 'Société Générale': 'Zeile eins\r\nZeile zwei' },
    },
  ],
  [
    'excel-utf8-bom-semicolon.csv',
    'Excel "CSV UTF-8": a byte order mark, semicolons, CRLF',
    {
      entries: {
        'Nová Firma s.r.o. / Renée Šťastná / open': ['2026-12-01 10:00'],
        'Łódź Labs / Zoë Øvergaard / offer': ['2026-11-28 16:45'],
      },
    },
  ],
  [
    'google-sheets.csv',
    'Google Sheets: UTF-8, commas, CRLF, ISO dates, a line break and an emoji in a cell',
    {
      entries: {
        'Northwind Labs / Priya Shah / open': ['2026-12-03 15:00'],
        'Independent / Ana Lima / open': ['2026-11-25 08:30'],
      },
      decisions: { 'Northwind Labs': '2026-12-10' },
      notes: { 'Northwind Labs': 'Asked about the team 🚀\r\nSecond line' },
    },
  ],
  [
    'numbers.csv',
    'Numbers: UTF-8, commas, LF, dates with month names',
    {
      entries: {
        'Contoso / Bo Chen / open': ['2026-12-03 11:00'],
        'Fabrikam / Cy Diaz / rejected': ['2026-11-20 14:00'],
      },
      decisions: { Contoso: '2026-12-12' },
    },
  ],
  [
    'libreoffice.csv',
    'LibreOffice (UK), every text cell quoted: commas, LF, two-digit years',
    {
      entries: {
        'Tailspin Toys / Dana Park / open': ['2026-12-02 13:30'],
        'Adatum / Eli Ross / open': ['2026-11-26 17:00'],
      },
      notices: [/read day first, as 2 December 2026/],
      notes: { Adatum: 'he said "call me"' },
    },
  ],
  [
    'stray-quote.csv',
    'Edited by hand: a stray quote inside a cell, and a row whose quote never closes',
    {
      entries: {
        'O"Reilly Media / Fay Ng / open': ['2026-12-01 10:00'],
        'Wide World Importers / Gus Hall / open': ['2026-12-02 10:00'],
      },
      problems: [{ row: 4, field: '' }],
    },
  ],
  [
    'day-first.csv',
    'Dates typed day first: dotted, slashed, and one that reads either way',
    {
      entries: {
        'Litware / Ivy Moss / open': ['2026-12-07 09:00'],
        'Proseware / Jon Park / open': ['2026-11-25 09:00'],
        'Lucerne / Kim Ode / open': ['2026-12-03 09:00'],
      },
      notices: [/Dates such as 03\/12\/2026 were read day first, as 3 December 2026/],
    },
  ],
];

describe('files from the programs members use', () => {
  it.each(FILES)('%s (%s)', (name, _program, expected) => {
    const report = readTrackerFile(fixture(name), { timeZone: zone, now });
    const entries = Object.fromEntries(
      report.opportunities.map((entry) => [
        `${entry.company} / ${entry.contactName} / ${entry.stage}`,
        entry.conversations.map((round) => `${localDate(round.at, zone)} ${localClockTime(round.at, zone)}`),
      ]),
    );
    expect(entries).toEqual(expected.entries);
    expect(report.problems.map(({ row, field }) => ({ row, field }))).toEqual(expected.problems ?? []);
    expect(report.notices).toHaveLength((expected.notices ?? []).length);
    for (const notice of expected.notices ?? []) expect(report.notices.join(' ')).toMatch(notice);
    const byCompany = new Map(report.opportunities.map((entry) => [entry.company, entry]));
    for (const [company, decisionBy] of Object.entries(expected.decisions ?? {}))
      expect(byCompany.get(company)?.conversations[0]?.decisionBy).toBe(decisionBy);
    for (const [company, notes] of Object.entries(expected.notes ?? {}))
      expect(byCompany.get(company)?.notes).toBe(notes);
    // Nothing the member did not type: no replacement character, no byte order mark.
    expect(JSON.stringify(report.opportunities)).not.toMatch(/\ufffd|\ufeff/);
  });
});
