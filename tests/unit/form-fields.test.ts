import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkbox,
  CONTROL_CHARACTERS_MESSAGE,
  dateField,
  dateProblem,
  isCalendarDate,
  multiLineText,
  ONE_LINE_MESSAGE,
  optionalDateField,
  queryDateProblem,
  singleLineText,
} from '../../src/lib/forms/fields';

const SEED = 20_260_514;
const name = singleLineText({ max: 80, missing: 'Add a name.' });
const note = multiLineText({ max: 2000 });
const messageOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? null : result.error!.issues[0]!.message;

/** Everything a single line refuses: C0 (NUL, TAB, CR, LF…), DEL, C1 (NEL…), U+2028 and U+2029. */
const breaking = fc.oneof(
  fc.integer({ min: 0, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
  fc.constantFrom(0x2028, 0x2029),
);
const ordinary = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .filter((text) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(text) && text.trim() === text && text !== '');

describe('singleLineText', () => {
  it.each([
    ['a header injected after a name', 'Bob\r\nBcc: victim@example.com', ONE_LINE_MESSAGE],
    ['a bare line feed', 'Bob\nBcc: x', ONE_LINE_MESSAGE],
    ['a tab', 'Acme\tInc', ONE_LINE_MESSAGE],
    ['a line separator', 'Acme\u2028Inc', ONE_LINE_MESSAGE],
    ['NUL', 'Acme\u0000', CONTROL_CHARACTERS_MESSAGE],
    ['a C1 next-line', 'Acme\u0085Inc', CONTROL_CHARACTERS_MESSAGE],
    ['an escape sequence', 'Acme\u001b[31m', CONTROL_CHARACTERS_MESSAGE],
    ['DEL', 'Acme\u007f', CONTROL_CHARACTERS_MESSAGE],
  ])('refuses %s with a message', (_case, value, message) => {
    expect(messageOf(name.safeParse(value))).toBe(message);
  });

  it('refuses any text with a control character or line break anywhere in it', () => {
    fc.assert(
      fc.property(ordinary, breaking, ordinary, (before, code, after) => {
        expect(name.safeParse(before + String.fromCodePoint(code) + after).success).toBe(false);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('keeps text on one line as it was typed, trimmed', () => {
    fc.assert(
      fc.property(ordinary, (text) => {
        expect(name.parse(` ${text} `)).toBe(text);
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(name.parse('Zoë O’Brien-Łukasz 🙂')).toBe('Zoë O’Brien-Łukasz 🙂');
    expect(messageOf(name.safeParse('  '))).toBe('Add a name.');
  });
});

describe('multiLineText', () => {
  it('keeps line breaks and tabs, and refuses other control characters', () => {
    expect(note.parse('Hi Priya,\r\n\r\n\tThanks.\nSam')).toBe('Hi Priya,\r\n\r\n\tThanks.\nSam');
    expect(note.parse('one\u2028two')).toBe('one\u2028two');
    for (const value of ['a\u0000b', 'a\u0007b', 'a\u001bb', 'a\u0085b', 'a\u007fb'])
      expect(messageOf(note.safeParse(value)), JSON.stringify(value)).toBe(CONTROL_CHARACTERS_MESSAGE);
  });
});

describe('checkbox', () => {
  it('is ticked by "on", unticked when absent, and refuses anything a form would not send', () => {
    const box = checkbox();
    expect(box.parse('on')).toBe(true);
    expect(box.parse(null)).toBe(false);
    expect(box.parse(undefined)).toBe(false);
    expect(box.parse('')).toBe(false);
    for (const value of ['on\r\nBcc: x', 'yes', 'true', 'off', 'ON'])
      expect(box.safeParse(value).success, value).toBe(false);
  });
});

describe('dates', () => {
  it.each([
    ['2026-12-03', null],
    ['2000-01-01', null],
    ['2099-12-31', null],
    ['2028-02-29', null],
    ['2026-02-29', 'Use a real date, like 2026-12-03.'],
    ['2026-02-30', 'Use a real date, like 2026-12-03.'],
    ['2026-13-45', 'Use a real date, like 2026-12-03.'],
    ['2026-00-10', 'Use a real date, like 2026-12-03.'],
    ['9999-99-99', 'Use a real date, like 2026-12-03.'],
    ['2026-3-5', 'Use a real date, like 2026-12-03.'],
    ['+275760-09-13', 'Use a real date, like 2026-12-03.'],
    ['9999-12-31', 'Check the year: use a date between 2000 and 2099.'],
    ['1999-12-31', 'Check the year: use a date between 2000 and 2099.'],
    ['2100-01-01', 'Check the year: use a date between 2000 and 2099.'],
    ['0000-01-01', 'Check the year: use a date between 2000 and 2099.'],
  ])('%s → %s', (value, problem) => {
    expect(dateProblem(value)).toBe(problem);
    expect(messageOf(dateField('Add the date.').safeParse(value))).toBe(problem);
    expect(messageOf(optionalDateField().safeParse(value))).toBe(problem);
  });

  it('knows every real day, as the calendar has it, and never throws', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        (at) => {
          expect(isCalendarDate(at.toISOString().slice(0, 10))).toBe(true);
        },
      ),
      { numRuns: 500, seed: SEED },
    );
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const shaped = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }))
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string({ maxLength: 12 })), (text) => {
        const parsed = Date.parse(`${text}T00:00:00Z`);
        const real =
          /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(parsed) && new Date(parsed).toISOString().startsWith(text);
        expect(isCalendarDate(text)).toBe(real);
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  it('an empty optional date is none', () => {
    expect(optionalDateField().parse('')).toBeNull();
    expect(optionalDateField().parse(null)).toBeNull();
    expect(optionalDateField().parse(' 2026-12-03 ')).toBe('2026-12-03');
  });

  it('a query string names the first date that is not right', () => {
    const problem = (query: string) => queryDateProblem(new URLSearchParams(query), ['from', 'to']);
    expect(problem('')).toBeNull();
    expect(problem('from=&to=')).toBeNull();
    expect(problem('from=2026-01-01&to=2026-02-01')).toBeNull();
    expect(problem('from=2026-13-45')).toBe('The "from" date is not right. Use a real date, like 2026-12-03.');
    expect(problem('from=2026-01-01&to=9999-12-31')).toBe(
      'The "to" date is not right. Check the year: use a date between 2000 and 2099.',
    );
    expect(problem('from=2026-01-01&from=2026-01-02')).toBe('Give "from" once.');
  });
});
