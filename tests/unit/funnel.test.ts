import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_COUNTS,
  articleOfPath,
  campaignOfPath,
  funnelBars,
  isBot,
  lineChart,
  niceMax,
  periodBounds,
  periodDays,
  periodFrom,
  rate,
} from '../../src/lib/funnel/rules';
import { ViewLimiter } from '../../src/lib/funnel/view-limiter';

const now = new Date('2026-11-26T15:00:00Z');
const params = (query: string) => new URLSearchParams(query);

describe('periodFrom', () => {
  it.each([
    ['', { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
    ['days=7', { from: '2026-11-20', to: '2026-11-26', preset: 7 }],
    ['days=365', { from: '2025-11-27', to: '2026-11-26', preset: 365 }],
    ['days=12', { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
    ['days=-1', { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
    ['from=2026-01-01&to=2026-01-31', { from: '2026-01-01', to: '2026-01-31', preset: null }],
    ['from=2026-01-31&to=2026-01-01', { from: '2026-01-01', to: '2026-01-31', preset: null }],
    ['from=2026-02-30&to=2026-03-01', { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
    ['from=2020-01-01&to=2026-01-01', { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
    ["from=2026-01-01'--&to=2026-01-02", { from: '2026-10-28', to: '2026-11-26', preset: 30 }],
  ])('%s', (query, expected) => {
    expect(periodFrom(params(query), now)).toEqual(expected);
  });

  it('covers whole UTC days, both ends included', () => {
    const period = { from: '2026-03-28', to: '2026-03-30', preset: null };
    expect(periodDays(period)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(periodBounds(period)).toEqual({
      start: new Date('2026-03-28T00:00:00Z'),
      end: new Date('2026-03-31T00:00:00Z'),
    });
  });
});

describe('rate', () => {
  it.each([
    [1, 8, '13 %'],
    [1, 16, '6.3 %'],
    [1, 3, '33 %'],
    [0, 5, '0 %'],
    [5, 0, '–'],
    [7, 7, '100 %'],
    [1, 1000, '0.1 %'],
    [3, 1, '–'],
    [8, 7, '–'],
  ])('%i of %i → %s', (part, whole, expected) => {
    expect(rate(part, whole)).toBe(expected);
  });
});

describe('isBot', () => {
  it.each([
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
      false,
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      false,
    ],
    ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', true],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36', true],
    ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', true],
    ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', true],
    ['curl/8.5.0', true],
    ['python-requests/2.32', true],
    ['', true],
    [null, true],
  ])('%s → %s', (agent, expected) => {
    expect(isBot(agent)).toBe(expected);
  });
});

describe('articleOfPath', () => {
  it.each([
    ['/articles/thank-you-note-within-24-hours', 'thank-you-note-within-24-hours'],
    ['/articles/thank-you-note-within-24-hours/', 'thank-you-note-within-24-hours'],
    ['/articles/thank-you-note-within-24-hours?utm_source=x', 'thank-you-note-within-24-hours'],
    ['/articles', undefined],
    ['/articles/page/2', undefined],
    ['/articles/x/comments', undefined],
    ['/articles/../account', undefined],
    ['/articles/<script>', undefined],
    ['https://elsewhere.example/articles/x', undefined],
  ])('%s → %s', (path, expected) => {
    expect(articleOfPath(path)).toBe(expected);
  });
});

describe('campaignOfPath', () => {
  it.each([
    ['/articles/a?utm_campaign=b-x', 'b-x'],
    ['/articles/a?utm_source=newsletter&utm_medium=email&utm_campaign=s-cheat-sheet', 's-cheat-sheet'],
    ['/articles/a?utm_campaign=b-Ab_9-z#top', 'b-Ab_9-z'],
    ['/articles/a', undefined],
    ['/articles/a?utm_campaign=', undefined],
    ['/articles/a?utm_campaign=spring-sale', undefined],
    ['/articles/a?utm_campaign=b-', undefined],
    ['/articles/a?utm_campaign=x-abc', undefined],
    ['/articles/a?utm_campaign=b-%3Cscript%3E', undefined],
    ['/articles/a?utm_campaign=b-x%00', undefined],
    [`/articles/a?utm_campaign=b-${'a'.repeat(65)}`, undefined],
    ['/articles/a#utm_campaign=b-x', undefined],
  ])('%s → %s', (path, expected) => {
    expect(campaignOfPath(path)).toBe(expected);
  });
});

describe('funnelBars', () => {
  it('draws each stage against the widest, with its conversion from the stage before', () => {
    const bars = funnelBars({ views: 1000, captures: 50, confirmed: 40, members: 10, paying: 0 });
    expect(bars.map((bar) => [bar.value, bar.share, bar.fromPrevious, bar.aboveStageBefore])).toEqual([
      [1000, 1, null, false],
      [50, 0.05, '5.0 %', false],
      [40, 0.04, '80 %', false],
      [10, 0.01, '25 %', false],
      [0, 0, '0 %', false],
    ]);
  });

  // Stages are counted in the period, not followed person by person: a later one can be larger.
  it.each([
    [
      'one confirmed lead, then more members than that',
      { views: 4, captures: 1, confirmed: 1, members: 3, paying: 0 },
      [
        [1, null, false],
        [0.25, '25 %', false],
        [0.25, '100 %', false],
        [0.25, null, true],
        [0, '0 %', false],
      ],
    ],
    [
      'more captures than views (the home page has no views)',
      { views: 2, captures: 10, confirmed: 5, members: 1, paying: 1 },
      [
        [0.2, null, false],
        [0.2, null, true],
        [0.2, '50 %', false],
        [0.1, '20 %', false],
        [0.1, '100 %', false],
      ],
    ],
    [
      'no views at all',
      { views: 0, captures: 3, confirmed: 2, members: 0, paying: 0 },
      [
        [0, null, false],
        [0, null, true],
        [0, '67 %', false],
        [0, '0 %', false],
        [0, '–', false],
      ],
    ],
  ] as const)('%s: never above 100 %%, never wider than the stage before', (_, counts, expected) => {
    expect(funnelBars(counts).map((bar) => [bar.share, bar.fromPrevious, bar.aboveStageBefore])).toEqual(expected);
  });

  it('shows no rate above 100 % and no bar wider than the first, whatever the counts', () => {
    const count = fc.nat({ max: 1_000_000 });
    fc.assert(
      fc.property(
        fc.record({ views: count, captures: count, confirmed: count, members: count, paying: count }),
        (counts) => {
          const bars = funnelBars(counts);
          for (const bar of bars) {
            expect(bar.share).toBeGreaterThanOrEqual(0);
            expect(bar.share).toBeLessThanOrEqual(bars[0]!.share);
            expect(bar.share).toBeLessThanOrEqual(1);
            if (bar.fromPrevious !== null && bar.fromPrevious !== '–')
              expect(Number.parseFloat(bar.fromPrevious)).toBeLessThanOrEqual(100);
          }
        },
      ),
    );
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (part, whole) => {
        const shown = rate(part, whole);
        expect(shown === '–' || Number.parseFloat(shown) <= 100).toBe(true);
      }),
    );
  });

  it('keeps a tiny stage visible and copes with nothing at all', () => {
    expect(funnelBars({ ...EMPTY_COUNTS, views: 1_000_000, captures: 1 })[1]!.share).toBe(0.005);
    expect(funnelBars(EMPTY_COUNTS).every((bar) => bar.share === 0)).toBe(true);
  });
});

describe('lineChart', () => {
  it('puts zero at the bottom and the nice maximum at the top', () => {
    const chart = lineChart([{ label: 'a', values: [0, 5, 10] }], 100, 50, 0);
    expect(chart.max).toBe(10);
    expect(chart.paths[0]).toBe('M0 50 L50 25 L100 0');
    expect(chart.ticks.map((tick) => tick.value)).toEqual([0, 2.5, 5, 7.5, 10]);
  });

  it.each([
    [0, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [12, 20],
    [4999, 5000],
    [120_001, 200_000],
  ])('niceMax(%i) = %i', (value, expected) => {
    expect(niceMax(value)).toBe(expected);
  });
});

describe('ViewLimiter', () => {
  const limits = { perMinute: 3, sameArticleMs: 30 * 60_000, maxRemembered: 4 };
  const t0 = 1_000_000;

  it('counts one view of an article per network per 30 minutes', () => {
    const limiter = new ViewLimiter(limits);
    expect(limiter.counts('n1', 'a', t0)).toBe(true);
    expect(limiter.counts('n1', 'a', t0 + 29 * 60_000)).toBe(false);
    expect(limiter.counts('n2', 'a', t0 + 1)).toBe(true);
    expect(limiter.counts('n1', 'a', t0 + 30 * 60_000)).toBe(true);
  });

  it('counts at most perMinute views a minute from one network', () => {
    const limiter = new ViewLimiter(limits);
    expect(['a', 'b', 'c', 'd'].map((article) => limiter.counts('n1', article, t0))).toEqual([true, true, true, false]);
    expect(limiter.counts('n1', 'd', t0 + 60_000)).toBe(true);
  });

  it('holds a bounded number of entries and forgets expired ones', () => {
    const limiter = new ViewLimiter({ ...limits, maxRemembered: 2 });
    expect(limiter.counts('n1', 'a', t0)).toBe(true);
    expect(limiter.counts('n2', 'a', t0)).toBe(true);
    expect(limiter.counts('n3', 'a', t0)).toBe(false); // two networks held: the ceiling
    expect(limiter.size).toBe(4);
    expect(limiter.counts('n3', 'a', t0 + 31 * 60_000)).toBe(true);
    expect(limiter.size).toBe(2);
  });
});
