/**
 * The coach's dashboard and the page-view beacon through HTTP on the built server: views counted
 * without cookies and without crawlers, the funnel shown for a period and per article, and every
 * coach page refusing visitors and members.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { PHONE, useMemberServer, withoutStylesAndScripts as visible } from '../setup/member-site.ts';

const ARTICLE = 'thank-you-note-within-24-hours';

const { sql, base } = useMemberServer();
const views = async (article = ARTICLE) =>
  Number(
    (
      await sql.execute({
        sql: 'SELECT COALESCE(SUM(views), 0) AS n FROM article_views WHERE article = ?',
        args: [article],
      })
    ).rows[0]!['n'],
  );

/** The beacon as a browser sends it: the page's own path, text/plain, from the site's origin. */
function beacon(body: string, headers: Record<string, string> = {}) {
  return fetch(`${base()}/api/views`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: base(),
      'user-agent': PHONE,
      'x-forwarded-for': '192.0.2.10',
      ...headers,
    },
    body,
  });
}

describe('the page-view beacon', () => {
  it('is on every article page and counts a read, with no cookie', async () => {
    const page = await (await fetch(`${base()}/articles/${ARTICLE}`)).text();
    expect(page).toMatch(/navigator\.sendBeacon\([`'"]\/api\/views[`'"], ?location\.pathname\+/);
    expect(page).not.toMatch(/<script[^>]+src=/);
    const response = await beacon(`/articles/${ARTICLE}`);
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await views()).toBe(1);
  });

  it('leaves out crawlers, link previews, scripts, prefetches, unknown pages and other sites', async () => {
    const before = await views();
    const refused: [string, Record<string, string>][] = [
      [
        `/articles/${ARTICLE}`,
        { 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
      ],
      [`/articles/${ARTICLE}`, { 'user-agent': 'curl/8.5.0' }],
      [`/articles/${ARTICLE}`, { 'user-agent': '' }],
      [`/articles/${ARTICLE}`, { 'sec-purpose': 'prefetch' }],
      ['/articles/no-such-article', {}],
      ['/account', {}],
      ['<script>alert(1)</script>', {}],
      ['', {}],
    ];
    for (const [body, headers] of refused) expect((await beacon(body, headers)).status).toBe(204);
    expect(await views()).toBe(before);
    expect(
      await count(
        'SELECT count(*) FROM article_views WHERE article NOT IN (SELECT article FROM article_views WHERE article = ?)',
        [ARTICLE],
      ),
    ).toBe(0);

    const crossSite = await beacon(`/articles/${ARTICLE}`, { origin: 'https://elsewhere.example' });
    expect(crossSite.status).toBe(403);
    const huge = await beacon(`/articles/${ARTICLE}`.padEnd(5000, 'x'));
    expect(huge.status).toBe(413);
    expect(await views()).toBe(before);
  });

  it('counts one read of an article per network per 30 minutes, and at most 30 views a minute', async () => {
    const before = await views();
    for (let i = 0; i < 5; i++) await beacon(`/articles/${ARTICLE}`, { 'x-forwarded-for': '192.0.2.70' });
    expect(await views()).toBe(before + 1);
    // The same IPv6 /64 is one network, whatever the rest of the address.
    await beacon(`/articles/${ARTICLE}`, { 'x-forwarded-for': '2001:db8:1:2::1' });
    await beacon(`/articles/${ARTICLE}`, { 'x-forwarded-for': '2001:db8:1:2::abcd' });
    expect(await views()).toBe(before + 2);
  });
});

async function count(query: string, args: (string | number)[] = []): Promise<number> {
  return Number((await sql.execute({ sql: query, args })).rows[0]![0]);
}

describe('the dashboard', () => {
  let coach: Browser;

  beforeAll(async () => {
    coach = await signedUpMember(base, sql, 'dashboard-coach@example.com');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'dashboard-coach@example.com'");
  });

  it('refuses visitors and members on every coach page', async () => {
    const member = await signedUpMember(base, sql, 'curious@example.com');
    const paths = [
      '/coach',
      '/coach?days=365',
      '/coach/leads',
      '/coach/leads.csv',
      '/coach/members',
      '/coach/members.csv',
      '/coach/comments',
      '/coach/comments/export.json',
      '/coach/reviews',
    ];
    for (const path of paths) {
      const visitor = await new Browser(base).get(path);
      // Pages send visitors to sign in; the comments export answers them as if it did not exist.
      if (path.endsWith('.json')) expect(visitor.status, path).toBe(404);
      else {
        expect(visitor.status, path).toBe(303);
        expect(visitor.headers.get('location'), path).toMatch(/^\/login\?next=/);
      }
      const response = await member.get(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('The funnel');
    }
  });

  it('shows the funnel of the period, per article, and changes with a capture and a sign-up', async () => {
    const page = async (query = '') => visible(await (await coach.get(`/coach${query}`)).text());
    const stage = (html: string, label: string) => {
      const match = new RegExp(`${label}</span><span class="funnel-value">([\\d,]+)<`).exec(html);
      return Number(match?.[1]?.replace(/,/g, '') ?? NaN);
    };
    const first = await page('?days=7');
    expect(first).toContain('The funnel, the last 7 days');
    const before = {
      views: stage(first, 'Article views'),
      captures: stage(first, 'Cheat-sheet captures'),
      members: stage(first, 'New members'),
    };
    // The views the beacon tests above counted, all today.
    const counted = Number((await sql.execute('SELECT SUM(views) AS n FROM article_views')).rows[0]!['n']);
    expect(counted).toBeGreaterThan(0);
    expect(before.views).toBe(counted);

    // A reader captures the cheat sheet on the article, confirms, and signs up with the same address.
    const reader = new Browser(base);
    const email = 'funnel-reader@example.com';
    const capture = await reader.post('/cheat-sheet?_action=leads.capture', {
      email,
      consent: 'on',
      sourcePath: `/articles/${ARTICLE}`,
      sourceArticle: ARTICLE,
    });
    expect(capture.status).toBeLessThan(400);
    await signedUpMember(base, sql, email);

    const after = await page('?days=7');
    expect(stage(after, 'Cheat-sheet captures')).toBe(before.captures + 1);
    expect(stage(after, 'New members')).toBe(before.members + 1);
    const row =
      /<a href="\/articles\/thank-you-note-within-24-hours">[^<]+<\/a>\s*<\/th>((?:\s*<td>[^<]*<\/td>)+)/.exec(after);
    expect(row, 'the article has its row').toBeTruthy();
    const cells = [...row![1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((cell) => cell[1]);
    expect(cells[1]).toBe('1'); // captures
    expect(cells[4]).toBe('1'); // members credited to the article

    // Other periods and bad ones.
    expect(await page('?days=365')).toContain('The funnel, the last 365 days');
    expect(await page('?from=2026-01-01&to=2026-01-31')).toContain('The funnel, 2026-01-01 to 2026-01-31');
    // A preset that is not one falls back; dates that are not dates are said so (400) as well.
    for (const [query, status] of [
      ['?days=abc', 200],
      ['?from=2026-02-30&to=x', 400],
      ["?days=7'%20OR%201=1", 200],
      [`?from=${'9'.repeat(5000)}`, 400],
    ] as const) {
      const response = await coach.get(`/coach${query}`);
      expect(response.status, query).toBe(status);
      const text = visible(await response.text());
      expect(text).toContain('The funnel, the last 30 days');
      if (status === 400) expect(text).toContain('date is not right. Use a real date, like 2026-12-03.');
    }
  });
});
