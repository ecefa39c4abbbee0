import { describe, expect, it } from 'vitest';
import {
  articleIndexPath,
  formatPublishedDate,
  newestFirst,
  pageOf,
  readingMinutes,
  relatedArticles,
  tagCounts,
  tagLabel,
  type ArticleSummary,
} from '../../src/lib/articles/rules';

const article = (id: string, date: string, tags: string[]): ArticleSummary => ({
  id,
  title: id,
  tags,
  pubDate: new Date(date),
});

const thankYou = article('thank-you', '2026-09-16', ['interviews', 'thank-you-notes', 'templates']);
const persistence = article('persistence', '2026-10-01', ['persistence', 'timing', 'templates']);
const networking = article('networking', '2026-10-16', ['networking', 'templates']);
const value = article('value', '2026-10-30', ['persistence', 'networking', 'templates']);
const system = article('system', '2026-11-13', ['systems', 'timing', 'persistence']);
const why = article('why', '2026-09-01', ['interviews', 'timing', 'persistence']);
const all = [thankYou, persistence, networking, value, system, why];

describe('readingMinutes', () => {
  it.each([
    ['an empty article still takes a minute', '', 1],
    ['a short note takes a minute', 'Thank you for your time today.', 1],
    ['450 words take two minutes', 'word '.repeat(450), 2],
    ['1,000 words take four minutes', 'word '.repeat(1000), 4],
  ])('%s', (_name, text, minutes) => {
    expect(readingMinutes(text)).toBe(minutes);
  });

  it('does not count link targets or Markdown marks as words', () => {
    const withLinks = `${'word '.repeat(440)} [read](https://example.com/${'a/'.repeat(300)}) ## ** > - `;
    expect(readingMinutes(withLinks)).toBe(2);
  });
});

describe('newestFirst', () => {
  it('orders by publication date, newest first', () => {
    expect(newestFirst(all).map((a) => a.id)).toEqual([
      'system',
      'value',
      'networking',
      'persistence',
      'thank-you',
      'why',
    ]);
  });

  it('breaks ties by id so the order never changes between builds', () => {
    const a = article('b-second', '2026-01-01', []);
    const b = article('a-first', '2026-01-01', []);
    expect(newestFirst([a, b]).map((x) => x.id)).toEqual(['a-first', 'b-second']);
  });

  it('does not reorder the list it was given', () => {
    const copy = [...all];
    newestFirst(all);
    expect(all).toEqual(copy);
  });
});

describe('relatedArticles', () => {
  it('prefers the articles that share the most tags, then the newest', () => {
    // networking and persistence share two tags with value; system, the newest of those sharing one, comes next.
    expect(relatedArticles(value, all).map((a) => a.id)).toEqual(['networking', 'persistence', 'system']);
  });

  it('never recommends the article being read', () => {
    for (const current of all) {
      expect(relatedArticles(current, all, 10).map((a) => a.id)).not.toContain(current.id);
    }
  });

  it('fills with the newest articles when none share a tag', () => {
    const lonely = article('lonely', '2026-11-20', ['unrelated']);
    expect(relatedArticles(lonely, [...all, lonely], 2).map((a) => a.id)).toEqual(['system', 'value']);
  });

  it('returns at most the limit', () => {
    expect(relatedArticles(why, all, 3)).toHaveLength(3);
  });
});

describe('pageOf', () => {
  const items = ['a', 'b', 'c', 'd', 'e', 'f'];

  it.each([
    [1, ['a', 'b', 'c', 'd']],
    [2, ['e', 'f']],
  ])('page %i holds the right slice', (page, expected) => {
    expect(pageOf(items, page, 4)).toEqual({ items: expected, current: page, last: 2, total: 6 });
  });

  it('an empty list still has one (empty) page', () => {
    expect(pageOf([], 1, 4)).toEqual({ items: [], current: 1, last: 1, total: 0 });
  });

  it.each([0, 3, 1.5, -1])('refuses page %s', (page) => {
    expect(() => pageOf(items, page, 4)).toThrow(RangeError);
  });

  it('refuses a page size below one', () => {
    expect(() => pageOf(items, 1, 0)).toThrow(RangeError);
  });
});

describe('articleIndexPath', () => {
  it.each([
    [1, '/articles'],
    [2, '/articles/page/2'],
    [7, '/articles/page/7'],
  ])('page %i lives at %s', (page, path) => {
    expect(articleIndexPath(page)).toBe(path);
  });
});

describe('tags', () => {
  it('labels read as words', () => {
    expect(tagLabel('thank-you-notes')).toBe('Thank you notes');
  });

  it('counts every tag, most used first, then alphabetically', () => {
    expect(tagCounts(all).slice(0, 3)).toEqual([
      { tag: 'persistence', count: 4 },
      { tag: 'templates', count: 4 },
      { tag: 'timing', count: 3 },
    ]);
  });
});

describe('formatPublishedDate', () => {
  it('shows the calendar date written in the article, whatever the server zone', () => {
    expect(formatPublishedDate(new Date('2026-09-01'))).toBe('September 1, 2026');
  });
});
