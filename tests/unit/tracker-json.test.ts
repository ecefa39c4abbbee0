/**
 * The JSON export read back: what it keeps, what it refuses (the whole file, or one entry by its
 * place and field), and the files that are not ours.
 */
import { describe, expect, it } from 'vitest';
import { readTrackerFile } from '../../src/lib/tracker/import-file';
import { importSummary } from '../../src/lib/tracker/import-report';
import { fieldLabel, readTrackerJson, TRACKER_JSON_FORMAT } from '../../src/lib/tracker/tracker-json';

const now = new Date('2026-12-07T12:00:00Z');
const read = (value: unknown, maxEntries?: number) =>
  readTrackerJson(typeof value === 'string' ? value : JSON.stringify(value), { now, maxEntries });

const entry = (overrides: Record<string, unknown> = {}) => ({
  id: 'ignored-id',
  kind: 'interview',
  company: 'Société Générale',
  roleTitle: 'Analyst',
  contactName: 'Jürgen Weiß',
  contactRole: '',
  contactEmail: 'jurgen@example.com',
  stage: 'open',
  notes: 'Two\nlines',
  archivedAt: null,
  createdAt: '2026-11-30T09:00:00.000Z',
  next: { state: 'step', step: 'first-check-in', dueAt: '2026-12-08T09:00:00.000Z', reason: 'anything' },
  conversations: [
    {
      id: 'c1',
      at: '2026-11-30T09:00:00.000Z',
      decisionBy: '2026-12-04',
      timingNote: 'end of next week',
      specificDetail: '',
      valueIdea: '',
    },
  ],
  touches: [
    {
      id: 't1',
      type: 'sent',
      step: 'thank-you',
      at: '2026-11-30T15:00:00.000Z',
      decisionBy: null,
      subject: 'Thank you',
      body: 'Hello',
    },
    { id: 't2', type: 'reply', step: null, at: '2026-12-01T10:00:00.000Z', decisionBy: null, subject: '', body: '' },
  ],
  ...overrides,
});

const file = (...entries: unknown[]) => ({
  format: TRACKER_JSON_FORMAT,
  version: 1,
  exportedAt: now.toISOString(),
  timeZone: 'Europe/Paris',
  opportunities: entries,
});

describe('readTrackerJson', () => {
  it('reads every part of an entry, dates as instants, and leaves out ids and the plan', () => {
    const report = read(file(entry({ archivedAt: '2026-12-05T08:00:00.000Z', stage: 'rejected' })));
    expect(report).toMatchObject({ unit: 'entry', refused: false, problems: [], rowsRead: 1, rowsAccepted: 1 });
    expect(report.opportunities).toEqual([
      {
        kind: 'interview',
        company: 'Société Générale',
        roleTitle: 'Analyst',
        contactName: 'Jürgen Weiß',
        contactRole: '',
        contactEmail: 'jurgen@example.com',
        notes: 'Two\nlines',
        stage: 'rejected',
        archivedAt: new Date('2026-12-05T08:00:00.000Z'),
        createdAt: new Date('2026-11-30T09:00:00.000Z'),
        conversations: [
          {
            at: new Date('2026-11-30T09:00:00.000Z'),
            decisionBy: '2026-12-04',
            timingNote: 'end of next week',
            specificDetail: '',
            valueIdea: '',
          },
        ],
        touches: [
          {
            type: 'sent',
            step: 'thank-you',
            at: new Date('2026-11-30T15:00:00.000Z'),
            decisionBy: null,
            subject: 'Thank you',
            body: 'Hello',
          },
          {
            type: 'reply',
            step: null,
            at: new Date('2026-12-01T10:00:00.000Z'),
            decisionBy: null,
            subject: '',
            body: '',
          },
        ],
      },
    ]);
  });

  it('reads an export written before the file named its format (no format, no version, no createdAt)', () => {
    const { format: _f, version: _v, ...old } = file(entry({ createdAt: undefined }));
    const report = read(old);
    expect(report.problems).toEqual([]);
    expect(report.opportunities[0]).not.toHaveProperty('createdAt');
  });

  it('puts rounds and messages in time order, keeping the file order of those at the same instant', () => {
    const at = '2026-12-01T10:00:00.000Z';
    const touch = (subject: string, when = at) => ({ type: 'sent', step: null, at: when, subject, body: '' });
    const report = read(file(entry({ touches: [touch('b'), touch('a', '2026-11-30T10:00:00.000Z'), touch('c')] })));
    expect(report.opportunities[0]!.touches!.map((item) => item.subject)).toEqual(['a', 'b', 'c']);
  });

  it('skips only the entry with a problem, naming its place and the field as a member counts them', () => {
    const report = read(
      file(
        entry({ company: 'Good One' }),
        entry({ company: '' }),
        entry({
          touches: [
            { type: 'sent', at: '2026-12-01T10:00:00Z' },
            { type: 'shouted', at: 'yesterday' },
          ],
        }),
        entry({ kind: 'interview', roleTitle: '' }),
        'not an entry',
        entry({ company: 'Good Two', conversations: [{ at: '2999-01-01T00:00:00Z' }] }),
        entry({ company: 'Good Three' }),
      ),
    );
    expect(report.opportunities.map((item) => item.company)).toEqual(['Good One', 'Good Three']);
    expect(report.problems).toEqual([
      { row: 2, field: 'company', message: expect.stringMatching(/^Add the company/) },
      { row: 3, field: 'message 2, type', message: 'Use one of: sent, reply.' },
      { row: 3, field: 'message 2, at', message: expect.stringMatching(/^Use a date and time like/) },
      { row: 4, field: 'roleTitle', message: 'Add the role you interviewed for.' },
      { row: 5, field: '', message: 'This entry is not an object with fields.' },
      { row: 6, field: 'conversation 1, at', message: expect.stringMatching(/^Check the year/) },
    ]);
    expect(report).toMatchObject({ rowsRead: 7, rowsAccepted: 2, refused: false });
    expect(importSummary({ ...report, added: 2, alreadyThere: 0 })).toBe(
      'Added 2 entries from 2 of 7 entries. 5 entries were skipped: see why below.',
    );
  });

  it('refuses text no form would take: control characters, line breaks in a name, overlong fields', () => {
    const report = read(
      file(
        entry({ contactName: 'Bob\r\nBcc: x@example.com' }),
        entry({ notes: 'x'.repeat(2001) }),
        entry({ touches: [{ type: 'sent', at: '2026-12-01T10:00:00Z', body: 'nul\u0000' }] }),
        entry({ stage: 'hired' }),
        entry({ touches: [{ type: 'sent', step: 'say-hello', at: '2026-12-01T10:00:00Z' }] }),
      ),
    );
    expect(report.opportunities).toEqual([]);
    expect(report.problems.map(({ row, field }) => `${row}:${field}`)).toEqual([
      '1:contactName',
      '2:notes',
      '3:message 1, body',
      '4:stage',
      '5:message 1, step',
    ]);
  });

  it.each([
    ['text that is not JSON', '{"opportunities": [', /^This file is not valid JSON/],
    ['JSON of another program', { items: [] }, /is not a tracker export/],
    ['a list', [], /is not a tracker export/],
    ['another format', { format: 'someone-else/tracker', opportunities: [] }, /is not a tracker export/],
    ['a newer version', { format: TRACKER_JSON_FORMAT, version: 2, opportunities: [] }, /newer version/],
  ])('refuses %s as a whole', (_name, value, message) => {
    const report = read(value);
    expect(report).toMatchObject({ refused: true, opportunities: [], rowsAccepted: 0 });
    expect(report.problems).toEqual([{ row: 0, field: '', message: expect.stringMatching(message) }]);
    expect(importSummary({ ...report, added: 0, alreadyThere: 0 })).toMatch(/^Nothing was imported/);
  });

  it('refuses a file with more entries than allowed, whole', () => {
    const report = read(file(entry(), entry(), entry()), 2);
    expect(report.refused).toBe(true);
    expect(report.problems[0]!.message).toBe('This file has 3 entries; up to 2 import at once.');
  });

  it('says which entries were already in the tracker', () => {
    expect(
      importSummary({ unit: 'entry', refused: false, added: 1, alreadyThere: 2, rowsRead: 3, rowsAccepted: 3 }),
    ).toBe('Added 1 entry from 3 of 3 entries. 2 entries were already in your tracker and left as they were.');
  });
});

describe('readTrackerFile', () => {
  it('tells the JSON export from a CSV by what it holds, byte order mark or not', () => {
    const json = JSON.stringify(file(entry()));
    for (const bytes of [new TextEncoder().encode(json), new TextEncoder().encode(`\uFEFF  ${json}`)]) {
      const report = readTrackerFile(bytes, { timeZone: 'Europe/Paris', now });
      expect(report).toMatchObject({ unit: 'entry', rowsAccepted: 1 });
    }
    const csv = readTrackerFile(new TextEncoder().encode('kind,company\r\n'), { timeZone: 'Europe/Paris', now });
    expect(csv.unit).toBe('row');
  });
});

describe('fieldLabel', () => {
  it.each([
    [['company'], 'company'],
    [['touches', 2, 'body'], 'message 3, body'],
    [['conversations', 0, 'at'], 'conversation 1, at'],
    [['touches'], 'touches'],
  ])('%j reads as %s', (path, label) => expect(fieldLabel(path)).toBe(label));
});
