import { describe, expect, it } from 'vitest';
import { csvRow } from '../../src/lib/data/csv';
import { csvResponse } from '../../src/lib/http/attachment';
import { readTrackerCsv, TRACKER_CSV_COLUMNS, trackerCsv, type TrackerCsvColumn } from '../../src/lib/tracker/csv';
import { readTrackerFile } from '../../src/lib/tracker/import-file';
import { importSummary, type ImportedOpportunity } from '../../src/lib/tracker/import-report';
import type { ConversationRow, OpportunityRow } from '../../src/lib/tracker/records';

const zone = 'America/New_York';
// 12:00 in New York (daylight time, UTC-4) on Friday 20 March 2026.
const now = new Date('2026-03-20T16:00:00Z');
const HEADER = TRACKER_CSV_COLUMNS.join(',');

function opportunity(overrides: Partial<OpportunityRow> & Pick<OpportunityRow, 'id'>): OpportunityRow {
  return {
    kind: 'interview',
    company: 'Acme',
    roleTitle: 'Product Designer',
    contactName: 'Dana Ortiz',
    contactRole: 'Design Lead',
    contactEmail: 'dana@acme.example',
    stage: 'open',
    notes: '',
    archivedAt: null,
    createdAt: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

function conversation(
  overrides: Partial<ConversationRow> & Pick<ConversationRow, 'id' | 'opportunityId' | 'at'>,
): ConversationRow {
  return { decisionBy: null, timingNote: '', specificDetail: '', valueIdea: '', ...overrides };
}

const GOOD_ROW: Record<TrackerCsvColumn, string> = {
  kind: 'interview',
  company: 'Acme',
  role_title: 'Product Designer',
  contact_name: 'Dana Ortiz',
  contact_role: 'Design Lead',
  contact_email: 'dana@acme.example',
  stage: 'open',
  conversation_date: '2026-03-10',
  conversation_time: '14:30',
  decision_by: '2026-03-24',
  timing_note: 'Two weeks',
  specific_detail: 'The onboarding redesign',
  value_idea: '',
  notes: '',
};

/** A tracker CSV with the standard header and a row per entry, each a good row with changes. */
function fileOf(...changes: Partial<Record<TrackerCsvColumn, string>>[]): string {
  const rows = changes.map((change) => {
    const row = { ...GOOD_ROW, ...change };
    return csvRow(TRACKER_CSV_COLUMNS.map((column) => row[column]));
  });
  return csvRow(TRACKER_CSV_COLUMNS) + rows.join('');
}

const read = (text: string, maxRows?: number) => readTrackerCsv(text, { timeZone: zone, now, maxRows });

describe('trackerCsv', () => {
  it('writes the header, then a row per conversation on the member’s clock', () => {
    const acme = opportunity({ id: 'o1', notes: 'Met at the meetup' });
    const csv = trackerCsv(
      [acme],
      [
        // 02:15 UTC on the 12th is still the evening of the 11th in New York.
        conversation({ id: 'c2', opportunityId: 'o1', at: new Date('2026-03-12T02:15:00Z'), timingNote: 'Soon' }),
        conversation({ id: 'c1', opportunityId: 'o1', at: new Date('2026-03-10T14:30:00Z'), decisionBy: '2026-03-24' }),
      ],
      zone,
    );
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(TRACKER_CSV_COLUMNS.map((column) => `"${column}"`).join(','));
    expect(HEADER).toBe(
      'kind,company,role_title,contact_name,contact_role,contact_email,stage,conversation_date,conversation_time,decision_by,timing_note,specific_detail,value_idea,notes',
    );
    expect(lines.slice(1)).toEqual([
      '"interview","Acme","Product Designer","Dana Ortiz","Design Lead","dana@acme.example","open","2026-03-10","10:30","2026-03-24","","","","Met at the meetup"',
      '"interview","Acme","Product Designer","Dana Ortiz","Design Lead","dana@acme.example","open","2026-03-11","22:15","","Soon","","","Met at the meetup"',
      '',
    ]);
  });

  it('gives an opportunity without conversations one row with blank conversation cells', () => {
    const csv = trackerCsv([opportunity({ id: 'o1', kind: 'networking', roleTitle: '' })], [], zone);
    expect(csv.split('\r\n')[1]).toBe(
      '"networking","Acme","","Dana Ortiz","Design Lead","dana@acme.example","open","","","","","","",""',
    );
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    const csv = trackerCsv([opportunity({ id: 'o1', company: '=HYPERLINK("http://evil.example","x")' })], [], zone);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  it('leaves out conversations of opportunities it was not given', () => {
    const csv = trackerCsv([], [conversation({ id: 'c1', opportunityId: 'gone', at: now })], zone);
    expect(csv).toBe(csvRow(TRACKER_CSV_COLUMNS));
  });
});

describe('readTrackerCsv round trip', () => {
  it('imports what it exported, awkward text included', () => {
    const opportunities = [
      opportunity({
        id: 'o1',
        company: '=HYPERLINK("http://evil.example","click")',
        contactName: 'Zoë Ðorđević',
        contactEmail: 'zoe@evil.example',
        notes: 'Line one, with a comma\r\nLine "two"\nLine three 🙏🏽',
        stage: 'offer',
      }),
      opportunity({
        id: 'o2',
        kind: 'networking',
        company: 'Acme, Inc.',
        roleTitle: '',
        contactName: '+44 contact',
        contactRole: '東京オフィス',
        contactEmail: '',
        notes: '-5 reasons to call',
      }),
      opportunity({ id: 'o3', company: 'Quiet Co', archivedAt: new Date('2026-03-15T00:00:00Z'), stage: 'closed' }),
    ];
    const conversations = [
      conversation({
        id: 'c2',
        opportunityId: 'o1',
        at: new Date('2026-03-05T19:45:00Z'),
        timingNote: '@end of month',
        specificDetail: 'Asked about "the migration", twice',
      }),
      conversation({ id: 'c1', opportunityId: 'o1', at: new Date('2026-02-26T15:00:00Z'), decisionBy: '2026-03-06' }),
      conversation({ id: 'c3', opportunityId: 'o2', at: new Date('2025-01-10T17:05:00Z'), valueIdea: 'Intro to Sam' }),
    ];

    const report = read(trackerCsv(opportunities, conversations, zone));

    const expected: ImportedOpportunity[] = [
      {
        kind: 'interview',
        company: '=HYPERLINK("http://evil.example","click")',
        roleTitle: 'Product Designer',
        contactName: 'Zoë Ðorđević',
        contactRole: 'Design Lead',
        contactEmail: 'zoe@evil.example',
        stage: 'offer',
        notes: 'Line one, with a comma\r\nLine "two"\nLine three 🙏🏽',
        conversations: [
          {
            at: new Date('2026-02-26T15:00:00Z'),
            decisionBy: '2026-03-06',
            timingNote: '',
            specificDetail: '',
            valueIdea: '',
          },
          {
            at: new Date('2026-03-05T19:45:00Z'),
            decisionBy: null,
            timingNote: '@end of month',
            specificDetail: 'Asked about "the migration", twice',
            valueIdea: '',
          },
        ],
      },
      {
        kind: 'networking',
        company: 'Acme, Inc.',
        roleTitle: '',
        contactName: '+44 contact',
        contactRole: '東京オフィス',
        contactEmail: '',
        stage: 'open',
        notes: '-5 reasons to call',
        conversations: [
          {
            at: new Date('2025-01-10T17:05:00Z'),
            decisionBy: null,
            timingNote: '',
            specificDetail: '',
            valueIdea: 'Intro to Sam',
          },
        ],
      },
      {
        kind: 'interview',
        company: 'Quiet Co',
        roleTitle: 'Product Designer',
        contactName: 'Dana Ortiz',
        contactRole: 'Design Lead',
        contactEmail: 'dana@acme.example',
        stage: 'closed',
        notes: '',
        conversations: [],
      },
    ];
    expect(report).toEqual({
      unit: 'row',
      refused: false,
      opportunities: expected,
      problems: [],
      rowsRead: 4,
      rowsAccepted: 4,
      notices: [],
    });
  });
});

describe('readTrackerCsv grouping', () => {
  it('makes one opportunity per kind, company, person and role, with rounds in time order', () => {
    const report = read(
      fileOf(
        { conversation_date: '2026-03-12', specific_detail: 'Round two' },
        {
          company: 'ACME',
          contact_email: 'Dana@Acme.Example',
          conversation_date: '2026-03-02',
          specific_detail: 'Round one',
        },
        { role_title: 'Staff Designer', conversation_date: '2026-03-03' },
        { kind: 'networking', role_title: '', conversation_date: '2026-03-04' },
        { contact_email: '', contact_name: 'Sam Lee', conversation_date: '2026-03-05' },
        { contact_email: '', contact_name: 'sam lee', conversation_date: '2026-03-06', stage: 'rejected' },
      ),
    );
    expect(report.problems).toEqual([]);
    expect(report.rowsAccepted).toBe(6);
    expect(
      report.opportunities.map((o) => [o.kind, o.company, o.contactName, o.roleTitle, o.stage, o.conversations.length]),
    ).toEqual([
      ['interview', 'Acme', 'Dana Ortiz', 'Product Designer', 'open', 2],
      ['interview', 'Acme', 'Dana Ortiz', 'Staff Designer', 'open', 1],
      ['networking', 'Acme', 'Dana Ortiz', '', 'open', 1],
      // The first row of a group supplies its details.
      ['interview', 'Acme', 'Sam Lee', 'Product Designer', 'open', 2],
    ]);
    expect(report.opportunities[0]?.conversations.map((c) => c.specificDetail)).toEqual(['Round one', 'Round two']);
    expect(report.opportunities[0]?.conversations.map((c) => c.at.toISOString())).toEqual([
      '2026-03-02T19:30:00.000Z', // 14:30 New York standard time (UTC-5)
      '2026-03-12T18:30:00.000Z', // 14:30 New York daylight time (UTC-4)
    ]);
  });
});

describe('readTrackerCsv checks', () => {
  it.each([
    [
      'a missing company',
      { company: '  ' },
      'company',
      'Add the company (or "Independent" for a networking contact without one).',
    ],
    ['a missing contact', { contact_name: '' }, 'contact_name', 'Add the name of the person you spoke with.'],
    ['an unknown kind', { kind: 'coffee' }, 'kind', 'Choose interview or networking.'],
    [
      'a bad email',
      { contact_email: 'dana@' },
      'contact_email',
      'That email address does not look right (name@example.com).',
    ],
    [
      'an impossible date',
      { conversation_date: '2026-02-30' },
      'conversation_date',
      'Use a real date, like 2026-12-03.',
    ],
    [
      'a date in another format',
      { conversation_date: 'le 10 mars 2026' },
      'conversation_date',
      'Use a real date, like 2026-12-03.',
    ],
    [
      'a missing date with other conversation details',
      { conversation_date: '' },
      'conversation_date',
      'Add the date you spoke.',
    ],
    ['a bad time', { conversation_time: '25:00' }, 'conversation_time', 'Use a time like 14:30.'],
    ['an impossible decision date', { decision_by: '2026-13-01' }, 'decision_by', 'Use a real date, like 2026-12-03.'],
    [
      'a decision date before the conversation',
      { decision_by: '2026-03-09' },
      'decision_by',
      'Their decision date is before the conversation. Check both dates.',
    ],
    [
      'a conversation more than a day ahead',
      { conversation_date: '2026-03-21', conversation_time: '12:01' },
      'conversation_date',
      'This date is in the future.',
    ],
    ['an unknown stage', { stage: 'pending' }, 'stage', 'Use one of: open, offer, rejected, withdrawn, closed.'],
    ['an interview without a role', { role_title: '' }, 'role_title', 'Add the role you interviewed for.'],
    ['text that is too long', { timing_note: 'x'.repeat(201) }, 'timing_note', 'Keep this under 200 characters.'],
    ['characters that cannot be stored', { notes: 'bell\u0007' }, 'notes', 'This has characters we cannot store.'],
  ])('refuses a row with %s and keeps the good ones', (_name, change, field, message) => {
    const report = read(fileOf({}, change, { conversation_date: '2026-03-11' }));
    expect(report.problems).toEqual([{ row: 3, field, message }]);
    expect(report.rowsRead).toBe(3);
    expect(report.rowsAccepted).toBe(2);
    expect(report.opportunities).toHaveLength(1);
    expect(report.opportunities[0]?.conversations).toHaveLength(2);
  });

  it('reports every problem of a row, in column order', () => {
    const report = read(
      fileOf({ role_title: '', contact_email: 'nope', conversation_time: '7pm', stage: 'maybe', company: '' }),
    );
    expect(report.problems.map((p) => [p.row, p.field])).toEqual([
      [2, 'company'],
      [2, 'role_title'],
      [2, 'contact_email'],
      [2, 'stage'],
      [2, 'conversation_time'],
    ]);
    expect(report.opportunities).toEqual([]);
    expect(report.rowsAccepted).toBe(0);
  });

  it('reports a decision date before a future conversation on both columns', () => {
    const report = read(fileOf({ conversation_date: '2026-04-10', decision_by: '2026-04-01' }));
    expect(report.problems).toEqual([
      { row: 2, field: 'conversation_date', message: 'This date is in the future.' },
      {
        row: 2,
        field: 'decision_by',
        message: 'Their decision date is before the conversation. Check both dates.',
      },
    ]);
  });

  it('numbers rows as a spreadsheet shows them, past line breaks in cells and blank rows', () => {
    const text =
      fileOf({ notes: 'two\nlines' }) + '\r\n,,,\r\n' + fileOf({ company: '' }).split('\r\n').slice(1).join('\r\n');
    expect(read(text).problems).toEqual([
      { row: 5, field: 'company', message: 'Add the company (or "Independent" for a networking contact without one).' },
    ]);
    expect(read(text).rowsRead).toBe(2);
  });

  it('accepts what a member or a spreadsheet may reasonably write', () => {
    const report = read(
      fileOf(
        // Over a year ago, with a decision date over a year later: unusual, but possible.
        { conversation_date: '2024-01-05', decision_by: '2025-06-01', kind: 'Interview', stage: '' },
        // A spreadsheet's 9:05 and 14:30:00; a blank time means midday.
        { conversation_date: '2026-03-11', conversation_time: '9:05', stage: 'OFFER' },
        { conversation_date: '2026-03-12', conversation_time: '14:30:00' },
        { conversation_date: '2026-03-13', conversation_time: '' },
        // Within a day ahead: a file written in a zone ahead of the member's.
        { conversation_date: '2026-03-21', conversation_time: '11:00' },
      ),
    );
    expect(report.problems).toEqual([]);
    expect(report.rowsAccepted).toBe(5);
    const [only] = report.opportunities;
    expect(only?.kind).toBe('interview');
    expect(only?.stage).toBe('open');
    expect(only?.conversations.map((c) => c.at.toISOString())).toEqual([
      '2024-01-05T19:30:00.000Z',
      '2026-03-11T13:05:00.000Z',
      '2026-03-12T18:30:00.000Z',
      '2026-03-13T16:00:00.000Z',
      '2026-03-21T15:00:00.000Z',
    ]);
  });
});

describe('readTrackerCsv files', () => {
  it('imports nothing when columns are missing, naming them on row 1', () => {
    const header = TRACKER_CSV_COLUMNS.filter((column) => column !== 'stage' && column !== 'notes').join(',');
    const report = read(`${header}\r\ninterview,Acme,Designer,Dana,,,2026-03-10,14:30,,,,\r\n`);
    expect(report.opportunities).toEqual([]);
    expect(report.rowsAccepted).toBe(0);
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ row: 1, field: '' });
    expect(report.problems[0]?.message).toMatch(/^This file is missing the columns stage, notes\./);
  });

  it('reads columns in any order, by loosely written names, and ignores unknown ones', () => {
    const columns = ['Notes', 'Favourite Colour', ...[...TRACKER_CSV_COLUMNS].reverse().filter((c) => c !== 'notes')];
    const names = columns.map((column) =>
      column.replace('role_title', 'Role Title').replace('contact_email', 'contact-email'),
    );
    const values: Record<string, string> = { ...GOOD_ROW, Notes: 'Kind', 'Favourite Colour': 'teal' };
    const row = columns.map((column) => values[column] ?? '');
    const report = read(csvRow(names) + csvRow(row));
    expect(report.problems).toEqual([]);
    expect(report.opportunities[0]).toMatchObject({
      roleTitle: 'Product Designer',
      contactEmail: 'dana@acme.example',
      notes: 'Kind',
    });
  });

  it('refuses a file with more rows than allowed, whole', () => {
    const rows = Array.from({ length: 4 }, (_, i) => ({ conversation_date: `2026-03-0${i + 1}` }));
    const report = read(fileOf(...rows), 3);
    expect(report).toEqual({
      unit: 'row',
      refused: true,
      opportunities: [],
      problems: [{ row: 1, field: '', message: expect.stringMatching(/^This file has more than 3 rows/) }],
      rowsRead: 4,
      rowsAccepted: 0,
      notices: [],
    });
    expect(read(fileOf(...rows), 4).rowsAccepted).toBe(4);
  });

  it('allows 2000 rows by default', () => {
    const row = csvRow(TRACKER_CSV_COLUMNS.map((column) => GOOD_ROW[column]));
    const text = (count: number) => csvRow(TRACKER_CSV_COLUMNS) + row.repeat(count);
    expect(read(text(2001)).problems).toEqual([
      { row: 1, field: '', message: expect.stringMatching(/^This file has more than 2000 rows/) },
    ]);
    expect(read(text(2000)).rowsAccepted).toBe(2000);
  });

  it.each([
    ['an empty file', ''],
    ['a byte order mark alone', '\uFEFF'],
    ['blank lines', '\r\n\r\n'],
  ])('reports %s as empty', (_name, text) => {
    expect(read(text)).toEqual({
      unit: 'row',
      refused: true,
      opportunities: [],
      problems: [{ row: 1, field: '', message: expect.stringMatching(/^This file is empty/) }],
      rowsRead: 0,
      rowsAccepted: 0,
      notices: [],
    });
  });

  it('imports nothing from a header alone, without complaint', () => {
    expect(read(HEADER)).toEqual({
      unit: 'row',
      refused: false,
      opportunities: [],
      problems: [],
      rowsRead: 0,
      rowsAccepted: 0,
      notices: [],
    });
  });

  it('reports a row that is not valid CSV at its row, and imports the rows before it', () => {
    const report = read(fileOf({}) + 'interview,"Acme\r\n');
    expect(report.opportunities).toHaveLength(1);
    expect(report.problems).toEqual([{ row: 3, field: '', message: expect.stringMatching(/never closed/) }]);
    expect(report).toMatchObject({ rowsRead: 2, rowsAccepted: 1 });
  });
});

/** Text as Windows-1252 bytes (every character here is in that code page). */
function windows1252(text: string): Uint8Array {
  const table = new Map<string, number>();
  const decoder = new TextDecoder('windows-1252');
  for (let byte = 0; byte < 256; byte += 1) table.set(decoder.decode(new Uint8Array([byte])), byte);
  return new Uint8Array([...text].map((char) => table.get(char) ?? 0x3f));
}

describe('readTrackerFile encodings', () => {
  const readBytes = (bytes: Uint8Array) => readTrackerFile(bytes, { timeZone: zone, now });
  const accented = fileOf({ company: 'Müller GmbH', contact_name: 'Renée Façade', notes: 'Preis: 5 € – naïve' });

  it('reads a Windows-1252 file (Excel in many locales) with its accents, and says so', () => {
    const report = readBytes(windows1252(accented));
    expect(report.problems).toEqual([]);
    expect(report.opportunities[0]).toMatchObject({
      company: 'Müller GmbH',
      contactName: 'Renée Façade',
      notes: 'Preis: 5 € – naïve',
    });
    expect(JSON.stringify(report.opportunities)).not.toContain('\uFFFD');
    expect(report.notices).toEqual([expect.stringMatching(/read as Windows-1252.*CSV UTF-8/)]);
  });

  it('reads UTF-8 with or without a byte order mark, and UTF-16 with one, without a notice about UTF-8', () => {
    const utf8 = new TextEncoder().encode(accented);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
    const utf16le = new Uint8Array([
      0xff,
      0xfe,
      ...[...accented].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]),
    ]);
    for (const bytes of [utf8, withBom]) {
      const report = readBytes(bytes);
      expect(report.opportunities[0]?.company).toBe('Müller GmbH');
      expect(report.notices).toEqual([]);
    }
    const report = readBytes(utf16le);
    expect(report.opportunities[0]?.notes).toBe('Preis: 5 € – naïve');
    expect(report.notices).toEqual([expect.stringMatching(/UTF-16/)]);
  });

  it('keeps a replacement character the member really typed in a UTF-8 file', () => {
    const report = readBytes(new TextEncoder().encode(fileOf({ notes: 'odd \uFFFD sign' })));
    expect(report.opportunities[0]?.notes).toBe('odd \uFFFD sign');
    expect(report.notices).toEqual([]);
  });
});

describe('readTrackerCsv delimiters', () => {
  const semicolons = (text: string) => text.replace(/","/g, '";"');

  it('reads a semicolon-separated file (Excel where the comma is the decimal mark)', () => {
    const report = read(semicolons(fileOf({ notes: 'Paid 1,5k; maybe more' })));
    expect(report.problems).toEqual([]);
    expect(report.rowsAccepted).toBe(1);
    expect(report.opportunities[0]?.notes).toBe('Paid 1,5k; maybe more');
  });

  it('reads a semicolon file written without quotes, and a tab-separated one', () => {
    const plain = (separator: string) =>
      [HEADER.replace(/,/g, separator), TRACKER_CSV_COLUMNS.map((column) => GOOD_ROW[column]).join(separator)].join(
        '\r\n',
      );
    for (const separator of [';', '\t']) {
      const report = read(plain(separator));
      expect(report.problems).toEqual([]);
      expect(report.opportunities[0]).toMatchObject({ company: 'Acme', contactName: 'Dana Ortiz' });
    }
  });

  it('keeps commas in cells of a comma file whose header also holds a semicolon', () => {
    const report = read(
      csvRow([...TRACKER_CSV_COLUMNS, 'a;b;c;d']) + csvRow(TRACKER_CSV_COLUMNS.map((c) => GOOD_ROW[c])),
    );
    expect(report.problems).toEqual([]);
  });
});

describe('importSummary', () => {
  it('says nothing was imported when the file was refused, not "0 of 0 rows, 1 row was skipped"', () => {
    const report = read('kind;company\r\ninterview;Acme\r\n'.replace(/;/g, '|'));
    const summary = importSummary({ ...report, added: 0, alreadyThere: 0 });
    expect(summary).toMatch(/^Nothing was imported/);
    expect(summary).not.toMatch(/skipped/);
  });

  it('counts skipped rows from the report, once per row however many problems it has', () => {
    const report = read(fileOf({}, { company: '', contact_email: 'bad' }, {}));
    expect(importSummary({ ...report, added: 1, alreadyThere: 0 })).toBe(
      'Added 1 entry from 2 of 3 rows. 1 row was skipped: see why below.',
    );
    expect(importSummary({ ...read(fileOf({})), added: 1, alreadyThere: 0 })).toBe('Added 1 entry from 1 of 1 rows.');
  });
});

describe('readTrackerCsv dates', () => {
  it('reads day-first dates (07.12.2026) and ISO ones on every row', () => {
    const report = read(
      fileOf(
        { conversation_date: '10.03.2026', decision_by: '24.03.2026' },
        { conversation_date: '2026/3/11', decision_by: '' },
        { conversation_date: '12/03/2026', decision_by: '' },
      ),
    );
    expect(report.problems).toEqual([]);
    expect(report.opportunities[0]?.conversations.map((c) => [c.at.toISOString(), c.decisionBy])).toEqual([
      ['2026-03-10T18:30:00.000Z', '2026-03-24'],
      ['2026-03-11T18:30:00.000Z', null],
      ['2026-03-12T18:30:00.000Z', null],
    ]);
    // 12/03/2026 could be 3 December: the report says which reading it took.
    expect(report.notices).toEqual([
      expect.stringMatching(/^Dates such as 12\/03\/2026 were read day first, as 12 March 2026\./),
    ]);
  });

  it('reads a US file month first when its dates say so, and says so', () => {
    const report = read(fileOf({ conversation_date: '03/13/2026' }, { conversation_date: '03/04/2026' }));
    expect(report.problems).toEqual([]);
    expect(report.opportunities[0]?.conversations.map((c) => c.at.toISOString().slice(0, 10))).toEqual([
      '2026-03-04',
      '2026-03-13',
    ]);
    expect(report.notices).toEqual([expect.stringMatching(/read month first, as 4 March 2026/)]);
  });

  it('says nothing about dates that can be read only one way', () => {
    expect(read(fileOf({ conversation_date: '07.03.2026' }, { conversation_date: '2026-03-08' })).notices).toEqual([]);
  });
});

describe('readTrackerCsv stray quotes', () => {
  const line = (row: Partial<Record<TrackerCsvColumn, string>>) =>
    TRACKER_CSV_COLUMNS.map((column) => ({ ...GOOD_ROW, ...row })[column]).join(',');

  it('keeps a stray quote inside an unquoted cell as text (O"Reilly Media)', () => {
    const report = read([HEADER, line({ company: 'O"Reilly Media' }), line({ company: 'Acme' })].join('\r\n'));
    expect(report.problems).toEqual([]);
    expect(report.opportunities.map((o) => o.company)).toEqual(['O"Reilly Media', 'Acme']);
  });

  it('skips only a row whose quote is never closed, and imports the rows after it', () => {
    const text = [
      HEADER,
      line({ company: 'Before' }),
      line({ company: '"Never closed' }),
      line({ company: 'After', notes: '' }),
      line({ company: 'Also after' }),
    ].join('\r\n');
    const report = read(text);
    expect(report.problems).toEqual([{ row: 3, field: '', message: expect.stringMatching(/never closed/) }]);
    expect(report.opportunities.map((o) => o.company)).toEqual(['Before', 'After', 'Also after']);
    expect(report).toMatchObject({ rowsRead: 4, rowsAccepted: 3 });
    expect(importSummary({ ...report, added: 3, alreadyThere: 0 })).toBe(
      'Added 3 entries from 3 of 4 rows. 1 row was skipped: see why below.',
    );
  });

  it('still reads quoted cells with line breaks and doubled quotes after a broken row', () => {
    const text =
      [HEADER, line({ company: '"Broken' })].join('\r\n') +
      '\r\n' +
      fileOf({ notes: 'two\nlines "quoted"' }).split('\r\n').slice(1).join('\r\n');
    const report = read(text);
    expect(report.problems).toEqual([{ row: 2, field: '', message: expect.stringMatching(/never closed/) }]);
    expect(report.opportunities[0]?.notes).toBe('two\nlines "quoted"');
  });

  it('refuses a file whose header cannot be read, on row 1', () => {
    const report = read('"kind,company\r\ninterview,Acme');
    expect(report.problems).toEqual([{ row: 1, field: '', message: expect.stringMatching(/never closed/) }]);
    expect(report.opportunities).toEqual([]);
  });
});

describe('the CSV download', () => {
  const people = [
    opportunity({
      id: 'o1',
      contactName: 'Renée Šťastná',
      company: "=cmd|' /C calc'!A0",
      contactEmail: 'renee@example.com',
    }),
  ];
  const conversations = [conversation({ id: 'c1', opportunityId: 'o1', at: new Date('2026-03-10T14:30:00Z') })];

  it('starts with a UTF-8 byte order mark so Excel reads the accents, and keeps formulas defused', async () => {
    const response = csvResponse(trackerCsv(people, conversations, zone), 'follow-up-tracker.csv');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // Exactly the BOM, then exactly what trackerCsv wrote.
    expect(text).toBe('\uFEFF' + trackerCsv(people, conversations, zone));
    expect(text).toContain('"Renée Šťastná"');
    expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
  });

  it('imports back as it was exported, byte order mark and all', async () => {
    const response = csvResponse(trackerCsv(people, conversations, zone), 'follow-up-tracker.csv');
    const report = readTrackerFile(await response.arrayBuffer(), { timeZone: zone, now });
    expect(report.problems).toEqual([]);
    expect(report.notices).toEqual([]);
    expect(report.opportunities[0]).toMatchObject({ contactName: 'Renée Šťastná', company: "=cmd|' /C calc'!A0" });
    expect(report.opportunities[0]?.conversations[0]?.at.toISOString()).toBe('2026-03-10T14:30:00.000Z');
  });
});
