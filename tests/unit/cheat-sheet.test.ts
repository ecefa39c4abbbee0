import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cheatSheetSchema,
  countPdfPages,
  fillTemplate,
  firstPageDescription,
  pagesInWords,
  previewHeight,
  templatePlaceholders,
  TEMPLATE_IDS,
  type CheatSheet,
} from '../../src/lib/leads/cheat-sheet';
import { renderCheatSheetPdf } from '../../src/lib/leads/cheat-sheet-pdf.server';

const SOURCE = new URL('../../src/content/cheat-sheet/interview-success.yaml', import.meta.url);
const raw: unknown = parse(readFileSync(SOURCE, 'utf8'));

/**
 * A deep copy of the real content, changed by `edit`, for the shapes the schema must refuse.
 * The copy is typed as valid content so edits stay readable; `as never` marks a deliberately wrong value.
 */
function variant(edit: (sheet: CheatSheet) => unknown): unknown {
  const copy = structuredClone(raw) as CheatSheet;
  edit(copy);
  return copy;
}

describe('the cheat sheet content', () => {
  it('passes the schema', () => {
    const result = cheatSheetSchema.safeParse(raw);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  const sheet = cheatSheetSchema.parse(raw);

  it('has one template for each id, in playbook order', () => {
    expect(sheet.templates.map((template) => template.id)).toEqual([...TEMPLATE_IDS]);
  });

  it.each(sheet.templates.map((template) => [template.id, template] as const))(
    '%s is a short email with a greeting, placeholders and a signature',
    (_id, template) => {
      expect(template.body).toMatch(/^Hi \{contact name\},\n/);
      expect(template.body).toMatch(/\{your name\}$/);
      expect(templatePlaceholders(template.body)).toContain('something specific you discussed');
      expect(template.body.split(/\s+/).length).toBeLessThan(150);
    },
  );

  it('covers every moment of the playbook in the timing table', () => {
    const table = sheet.timing.map((row) => Object.values(row).join(' ')).join('\n');
    for (const phrase of [/24 hours/, /working day after/, /about a week/, /never two/i, /fourth check-in/]) {
      expect(table).toMatch(phrase);
    }
    expect(table).toMatch(/within a day or two of the call/i);
    expect(table).toMatch(/reply pauses the schedule/i);
    expect(table).toMatch(/offer, a rejection or your closing note ends it/i);
  });
});

describe('cheatSheetSchema refuses bad shapes', () => {
  it.each<[string, unknown, string]>([
    ['a missing template', variant((s) => s.templates.pop()), 'templates'],
    ['a duplicate template id', variant((s) => (s.templates[4]!.id = 'thank-you')), 'templates'],
    ['an unknown template id', variant((s) => (s.templates[0]!.id = 'cold-email' as never)), 'templates.0.id'],
    ['an empty template body', variant((s) => (s.templates[2]!.body = '')), 'templates.2.body'],
    ['a blank template subject', variant((s) => (s.templates[1]!.subject = ' \n ')), 'templates.1.subject'],
    ['an unknown top-level key', variant((s) => Object.assign(s, { author: 'someone' })), ''],
    ['an unknown key in a template', variant((s) => Object.assign(s.templates[0]!, { cc: 'boss' })), 'templates.0'],
    ['an unknown key in a timing row', variant((s) => Object.assign(s.timing[0]!, { channel: 'email' })), 'timing.0'],
    ['a missing title', variant((s) => Reflect.deleteProperty(s, 'title')), 'title'],
    ['too few steps', variant((s) => s.steps.splice(4)), 'steps'],
    ['too many steps', variant((s) => s.steps.push(...s.steps)), 'steps'],
    ['a timing row without a note', variant((s) => Reflect.deleteProperty(s.timing[3]!, 'note')), 'timing.3.note'],
    ['too few do items', variant((s) => s.tone.do.splice(2)), 'tone.do'],
    ['an empty dont item', variant((s) => (s.tone.dont[0] = '')), 'tone.dont.0'],
    ['a number for a title', variant((s) => (s.title = 42 as never)), 'title'],
  ])('%s', (_name, input, path) => {
    const result = cheatSheetSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path.join('.'))).toContain(path);
  });

  it('drops the trailing newline of a block scalar', () => {
    expect(cheatSheetSchema.parse(raw).templates[0]!.body.endsWith('\n')).toBe(false);
  });
});

describe('fillTemplate', () => {
  it.each<[string, string, Record<string, string>, string]>([
    ['fills a known placeholder', 'Hi {contact name},', { 'contact name': 'Priya' }, 'Hi Priya,'],
    ['fills every occurrence', '{company} and {company}', { company: 'Acme' }, 'Acme and Acme'],
    [
      'leaves unknown placeholders',
      'Hi {contact name}, re {role title}',
      { 'contact name': 'Sam' },
      'Hi Sam, re {role title}',
    ],
    ['leaves a placeholder whose value is blank', 'At {company}.', { company: '  ' }, 'At {company}.'],
    ['matches names exactly', 'Hi {Contact Name}', { 'contact name': 'Sam' }, 'Hi {Contact Name}'],
    ['ignores inherited keys', 'A {constructor} B {toString}', {}, 'A {constructor} B {toString}'],
    ['does not fill braces inside a value', '{a} {b}', { a: '{b}', b: 'x' }, '{b} x'],
    ['inserts replacement patterns literally', 'Pay {amount}', { amount: '$& $1' }, 'Pay $& $1'],
    ['leaves empty braces and line-spanning braces', '{} {line\nbreak}', { '': 'x' }, '{} {line\nbreak}'],
    ['keeps text without placeholders', 'Best regards,\nAlex', { company: 'Acme' }, 'Best regards,\nAlex'],
  ])('%s', (_name, body, values, expected) => {
    expect(fillTemplate(body, values)).toBe(expected);
  });

  it('turns a real template into a message with only the unfilled placeholders left', () => {
    const template = cheatSheetSchema.parse(raw).templates.find((t) => t.id === 'first-check-in')!;
    const filled = fillTemplate(template.body, {
      'contact name': 'Jordan',
      'role title': 'Product Analyst',
      company: 'Northwind',
      'date they gave': 'Friday',
      'your name': 'Alex Kim',
    });
    expect(filled).toContain('Hi Jordan,');
    expect(filled).toContain('decide by Friday');
    expect(templatePlaceholders(filled)).toEqual(['something specific you discussed']);
  });
});

describe('renderCheatSheetPdf', () => {
  let pdf: Buffer;
  let sheet: CheatSheet;

  beforeAll(async () => {
    sheet = cheatSheetSchema.parse(raw);
    pdf = await renderCheatSheetPdf(sheet);
    // For a look at the design: CHEAT_SHEET_PDF=/tmp/cheat-sheet.pdf npx vitest run tests/unit/cheat-sheet.test.ts
    if (process.env.CHEAT_SHEET_PDF) writeFileSync(process.env.CHEAT_SHEET_PDF, pdf);
  }, 30_000);

  it('is a PDF document', () => {
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
  });

  it('has at least two pages', () => {
    // Only the page content streams are compressed: the page tree's dictionaries stay plain text,
    // and its root's /Count is the number of pages (equal to the /Type /Page objects).
    const text = pdf.toString('latin1');
    const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)/g)].map((match) => Number(match[1]));
    const pages = text.match(/\/Type\s*\/Page\b(?!s)/g) ?? [];
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(2);
    expect(pages.length).toBe(Math.max(...counts));
  });

  it('counts its pages as the page tree states them', () => {
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page\b(?!s)/g) ?? [];
    expect(countPdfPages(pdf)).toBe(pages.length);
    expect(countPdfPages(new Uint8Array(pdf))).toBe(pages.length);
  });

  it('is small enough to download quickly', () => {
    expect(pdf.length).toBeLessThan(200 * 1024);
  });

  it('uses only the built-in fonts and carries its metadata', () => {
    const text = pdf.toString('latin1');
    expect(text).not.toMatch(/\/FontFile/);
    expect(text).toMatch(/\/BaseFont\s*\/Helvetica/);
    expect(text).toContain(`(${sheet.title} | Own the Follow-Up)`);
    for (const key of ['Title', 'Author', 'Subject', 'Keywords']) {
      expect(text).toMatch(new RegExp(`/${key}\\s*(\\(|\\d+ 0 R)`));
    }
    expect(text).toContain(`(${sheet.subtitle})`);
    expect(text).toContain('/Lang (en)');
  });
});

describe('describing the sheet', () => {
  it.each<[number, string]>([
    [1, 'one page'],
    [2, 'two pages'],
    [4, 'four pages'],
    [10, 'ten pages'],
    [12, '12 pages'],
  ])('%i page(s) read as "%s"', (pages, words) => {
    expect(pagesInWords(pages)).toBe(words);
  });

  it('refuses bytes with no page tree', () => {
    expect(() => countPdfPages(Buffer.from('not a pdf'))).toThrow(/page tree/);
  });

  it('keeps the preview in A4 proportions', () => {
    expect(previewHeight(360)).toBe(509);
    expect(previewHeight(720)).toBe(1018);
  });

  it('describes page 1 from the content: title, subtitle and every step in order', () => {
    const sheet = cheatSheetSchema.parse(raw);
    const description = firstPageDescription(sheet);
    expect(description).toContain(sheet.title);
    expect(description).toContain(sheet.subtitle);
    const positions = sheet.steps.map((step, index) => description.indexOf(`${index + 1}. ${step.title}`));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
