import { describe, expect, it } from 'vitest';
import { boardFilter, isFiltered } from '../../src/lib/tracker/board-page.ts';
import { opportunityRedirect } from '../../src/lib/tracker/opportunity-page.ts';

describe('opportunityRedirect', () => {
  it.each([
    ['sent', '/tracker/o/x?saved=sent#next'],
    ['review', '/tracker/o/x?saved=review#review'],
    ['withdrawn', '/tracker/o/x?saved=withdrawn#review'],
  ])('%s → %s', (name, expected) => {
    expect(opportunityRedirect('/tracker/o/x', name)).toBe(expected);
  });
});

describe('boardFilter', () => {
  it('reads the filters it knows and ignores the rest', () => {
    expect(boardFilter(new URLSearchParams('q=acme&kind=networking&stage=offer&archived=1'))).toEqual({
      q: 'acme',
      kind: 'networking',
      stage: 'offer',
      archived: true,
    });
    expect(boardFilter(new URLSearchParams('kind=party&stage=won&archived=yes'))).toEqual({
      q: '',
      kind: undefined,
      stage: undefined,
      archived: false,
    });
  });
  it('cuts the words to the search box', () => {
    expect(boardFilter(new URLSearchParams(`q=${'a'.repeat(500)}`)).q.length).toBeLessThan(500);
  });
  it('is filtered by anything but the default', () => {
    expect(isFiltered(boardFilter(new URLSearchParams('')))).toBe(false);
    expect(isFiltered(boardFilter(new URLSearchParams('archived=1')))).toBe(true);
    expect(isFiltered(boardFilter(new URLSearchParams('q=x')))).toBe(true);
  });
});
