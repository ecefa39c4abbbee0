import { describe, expect, it } from 'vitest';
import {
  dateOrderNotice,
  dateOrderOf,
  isAmbiguousDate,
  spreadsheetDate,
} from '../../src/lib/tracker/spreadsheet-dates';

describe('spreadsheetDate', () => {
  it.each([
    ['2026-12-07', '2026-12-07'],
    ['2026/12/7', '2026-12-07'],
    [' 07.12.2026 ', '2026-12-07'],
    ['7.12.2026', '2026-12-07'],
    ['07/12/2026', '2026-12-07'],
    ['7-12-2026', '2026-12-07'],
    // A number over 12 can only be the day, whatever the order.
    ['25/12/2026', '2026-12-25'],
    // Two-digit years (LibreOffice's and Excel's short formats) are this century's.
    ['07.12.26', '2026-12-07'],
    ['7/12/26', '2026-12-07'],
    // Month names, as Numbers and Google Sheets write long dates.
    ['7 Dec 2026', '2026-12-07'],
    ['07-Dec-26', '2026-12-07'],
    ['7 December, 2026', '2026-12-07'],
    ['Dec 7, 2026', '2026-12-07'],
    ['December 7th 2026', '2026-12-07'],
    ['Sept 30, 2026', '2026-09-30'],
  ])('reads %s day first as %s', (value, expected) => {
    expect(spreadsheetDate(value, 'day-first')).toBe(expected);
  });

  it('reads slashed dates month first when told, but dotted ones always day first', () => {
    expect(spreadsheetDate('03/04/2026', 'month-first')).toBe('2026-03-04');
    expect(spreadsheetDate('12/25/2026', 'day-first')).toBe('2026-12-25');
    expect(spreadsheetDate('03.04.2026', 'month-first')).toBe('2026-04-03');
  });

  it('leaves anything else for the date rule to refuse', () => {
    for (const value of ['', 'next week', '2026-13-01', '7.12.2', '1/2/3/2026', '7 Decembre 2026', 'Ma 7, 2026']) {
      expect(spreadsheetDate(value, 'day-first')).toBe(value === '2026-13-01' ? '2026-13-01' : value);
    }
  });
});

describe('isAmbiguousDate', () => {
  it('never counts a 0 as a day or a month, so the notice cannot name month 0', () => {
    for (const value of ['05/00/2026', '00/05/2026', '00/00/2026']) expect(isAmbiguousDate(value), value).toBe(false);
    expect(isAmbiguousDate('05/01/2026')).toBe(true);
  });
});

describe('dateOrderOf and the notice', () => {
  it('judges the order from dates that can only be read one way', () => {
    expect(dateOrderOf(['03/04/2026', '12/25/2026'])).toBe('month-first');
    expect(dateOrderOf(['03/04/2026', '25/12/2026'])).toBe('day-first');
    expect(dateOrderOf(['03/04/2026'])).toBe('day-first');
    expect(dateOrderOf(['25/12/2026', '12/25/2026'])).toBe('day-first');
  });

  it('calls only slashed dates with both numbers up to 12 ambiguous, and names the reading assumed', () => {
    expect(['03/04/2026', '04/04/2026', '25/12/2026', '03.04.2026', '2026-03-04'].map(isAmbiguousDate)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(dateOrderNotice('03/04/2026', 'day-first')).toMatch(
      /^Dates such as 03\/04\/2026 were read day first, as 3 April 2026\./,
    );
    expect(dateOrderNotice('03/04/2026', 'month-first')).toMatch(/read month first, as 4 March 2026\./);
  });
});
