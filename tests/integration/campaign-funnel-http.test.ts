/**
 * Attribution by email through HTTP on the built server: a read that arrives through an email's
 * link counts for that email, other sites' campaigns and junk are ignored, a capture or a sign-up
 * made on the page an email's link opened is credited to it, and the coach's dashboard shows each
 * email with the provider's counts and what its links brought. Last, the plans of the section's
 * queries, on a migrated database.
 */
import { sql as raw } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignQueries } from '../../src/lib/funnel/counts.server.ts';
import { Browser, latestLink, PASSWORD, signedUpCoach } from '../setup/http-browser.ts';
import { PHONE, readableText as text, useMemberServer } from '../setup/member-site.ts';
import { openTestDatabase } from '../setup/test-database.ts';

const ARTICLE = 'thank-you-note-within-24-hours';
const CAMPAIGN = 'b-x';

const { sql, base } = useMemberServer();

const one = async (query: string, args: (string | number)[] = []) =>
  (await sql.execute({ sql: query, args })).rows[0]?.[0] ?? null;
const campaignViews = async () =>
  (await sql.execute('SELECT campaign, views FROM campaign_views ORDER BY campaign')).rows.map((row) => ({
    campaign: row['campaign'],
    views: row['views'],
  }));
const articleViews = async () => Number(await one('SELECT COALESCE(SUM(views), 0) FROM article_views'));

let network = 0;
/** The beacon as the article page sends it, from a reader's own network each time. */
function beacon(body: string, headers: Record<string, string> = {}) {
  network += 1;
  return fetch(`${base()}/api/views`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: base(),
      'user-agent': PHONE,
      'x-forwarded-for': `203.0.113.${network}`,
      ...headers,
    },
    body,
  });
}

/** A visitor signs up on /signup, with what the form sends and the Referer given. */
async function signUp(email: string, fields: Record<string, string>, referer?: string) {
  const visitor = new Browser(base);
  const response = await visitor.post(
    '/signup?_action=auth.signup',
    { email, password: PASSWORD, timeZone: 'Europe/Paris', name: 'Sam', ...fields },
    referer ? { referer } : {},
  );
  expect(response.status).toBeLessThan(400);
  return visitor;
}

let coach: Browser;

beforeAll(async () => {
  coach = await signedUpCoach(base, sql, 'attribution-coach@example.com');
  // A newsletter that went out an hour ago, and what the provider reported of it.
  await sql.execute({
    sql: `INSERT INTO broadcasts (id, subject, status, queued_at, finished_at, recipients)
          VALUES ('x', 'Five follow-up lines that work', 'sent', ?, ?, 5)`,
    args: [Date.now() - 3_600_000, Date.now() - 3_000_000],
  });
  await sql.execute(
    `INSERT INTO campaign_stats (campaign, sent, delivered, bounced, complained) VALUES ('${CAMPAIGN}', 5, 4, 1, 0)`,
  );
});

describe('views through an email’s link', () => {
  it('count for the article and for the email', async () => {
    const before = await articleViews();
    const response = await beacon(`/articles/${ARTICLE}?utm_campaign=${CAMPAIGN}`);
    expect(response.status).toBe(204);
    expect(await articleViews()).toBe(before + 1);
    expect(await campaignViews()).toEqual([{ campaign: CAMPAIGN, views: 1 }]);
  });

  it('ignore other sites’ campaigns and junk, but still count the article', async () => {
    const before = await articleViews();
    const junk = [
      'spring-sale',
      'b-',
      'x-abc',
      encodeURIComponent('b-<script>alert(1)</script>'),
      `b-${'a'.repeat(65)}`,
      'b-x%00',
    ];
    for (const campaign of junk)
      expect((await beacon(`/articles/${ARTICLE}?utm_campaign=${campaign}`)).status).toBe(204);
    expect(await articleViews()).toBe(before + junk.length);
    expect(await campaignViews()).toEqual([{ campaign: CAMPAIGN, views: 1 }]);
  });

  it('leave out crawlers, prefetches, unknown articles and a repeat from one network, as for articles', async () => {
    const path = `/articles/${ARTICLE}?utm_campaign=${CAMPAIGN}`;
    expect((await beacon(path, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' })).status).toBe(204);
    expect((await beacon(path, { 'sec-purpose': 'prefetch' })).status).toBe(204);
    expect((await beacon(`/articles/no-such-article?utm_campaign=${CAMPAIGN}`)).status).toBe(204);
    const repeat = { 'x-forwarded-for': '198.18.0.1' };
    expect((await beacon(path, repeat)).status).toBe(204);
    expect((await beacon(path, repeat)).status).toBe(204);
    expect(await campaignViews()).toEqual([{ campaign: CAMPAIGN, views: 2 }]);
  });

  it('fit the beacon’s cap: the article page sends only the campaign of its query, cut short', async () => {
    const page = await (await fetch(`${base()}/articles/${ARTICLE}?utm_campaign=${CAMPAIGN}&fbclid=x`)).text();
    const script = [...page.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
      .map(([, body]) => body!)
      .find((body) => body.includes('sendBeacon'))!;
    expect(script).toContain('utm_campaign');
    expect(script).toMatch(/slice\(0,\s*80\)/);
    // The longest body it can send: the path and an 80-character campaign, every character escaped.
    const longest = `/articles/${ARTICLE}?utm_campaign=${'%E2%80%A6'.repeat(80)}`;
    expect(Buffer.byteLength(longest)).toBeLessThanOrEqual(1024);
    expect((await beacon(`/articles/${ARTICLE}?utm_campaign=${'%25'.repeat(80)}`)).status).toBe(204);
  });
});

describe('an article opened from an email’s link', () => {
  it('is the same prerendered page, with the same validator, revalidated without a body', async () => {
    const plain = await fetch(`${base()}/articles/${ARTICLE}`, { headers: { 'accept-encoding': 'br' } });
    const tagged = await fetch(
      `${base()}/articles/${ARTICLE}?utm_source=newsletter&utm_medium=email&utm_campaign=${CAMPAIGN}`,
      { headers: { 'accept-encoding': 'br' } },
    );
    expect(tagged.status).toBe(200);
    const etag = plain.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(tagged.headers.get('etag')).toBe(etag);
    expect(tagged.headers.get('cache-control')).toBe(plain.headers.get('cache-control'));
    expect(Buffer.from(await tagged.arrayBuffer()).equals(Buffer.from(await plain.arrayBuffer()))).toBe(true);
    const again = await fetch(`${base()}/articles/${ARTICLE}?utm_campaign=${CAMPAIGN}`, {
      headers: { 'accept-encoding': 'br', 'if-none-match': etag! },
    });
    expect(again.status).toBe(304);
  });
});

describe('captures and sign-ups through an email’s link', () => {
  it('credit a capture made on the article the link opened', async () => {
    const reader = new Browser(base);
    const captured = await reader.post(
      '/cheat-sheet?_action=leads.capture',
      { email: 'from-email@example.com', consent: 'on', sourcePath: `/articles/${ARTICLE}`, sourceArticle: ARTICLE },
      { referer: `${base()}/articles/${ARTICLE}?utm_source=newsletter&utm_medium=email&utm_campaign=${CAMPAIGN}` },
    );
    expect(captured.status).toBeLessThan(400);
    expect(await one('SELECT utm_campaign FROM leads WHERE email = ?', ['from-email@example.com'])).toBe(CAMPAIGN);
  });

  it('credit a sign-up from the page’s campaign, or else the Referer’s', async () => {
    const signup = await (await new Browser(base).get(`/signup?utm_campaign=${CAMPAIGN}`)).text();
    expect(signup).toContain(`<input type="hidden" name="campaign" value="${CAMPAIGN}">`);
    await signUp('joined-from-form@example.com', { campaign: CAMPAIGN });
    await signUp('joined-from-referer@example.com', {}, `${base()}/signup?utm_campaign=${CAMPAIGN}`);
    const campaignOf = (email: string) => one('SELECT signup_campaign FROM users WHERE email = ?', [email]);
    expect(await campaignOf('joined-from-form@example.com')).toBe(CAMPAIGN);
    expect(await campaignOf('joined-from-referer@example.com')).toBe(CAMPAIGN);
  });

  it('drop a campaign that is not one of ours, and still sign the visitor up', async () => {
    const junk = await (await new Browser(base).get('/signup?utm_campaign=spring-sale')).text();
    expect(junk).not.toContain('name="campaign"');
    await signUp('joined-with-junk@example.com', { campaign: '<b>spring</b>' }, `${base()}/signup?utm_campaign=sale`);
    await signUp('joined-long@example.com', { campaign: 'b-'.padEnd(5000, 'x') });
    for (const email of ['joined-with-junk@example.com', 'joined-long@example.com']) {
      expect(await one('SELECT COUNT(*) FROM users WHERE email = ?', [email])).toBe(1);
      expect(await one('SELECT signup_campaign FROM users WHERE email = ?', [email])).toBeNull();
    }
  });

  it('leave a known address’s account as it was', async () => {
    await signUp('joined-from-form@example.com', { campaign: 'b-other' });
    expect(await one('SELECT signup_campaign FROM users WHERE email = ?', ['joined-from-form@example.com'])).toBe(
      CAMPAIGN,
    );
    // The sign-in link went out as usual.
    expect(await latestLink(sql, 'joined-from-form@example.com', '/auth/link')).toBeTruthy();
  });
});

describe('the coach’s dashboard', () => {
  it('shows each email with the provider’s counts and what its links brought', async () => {
    // One member who signed up from the email pays (their first subscription).
    const userId = await one('SELECT id FROM users WHERE email = ?', ['joined-from-form@example.com']);
    await sql.execute({
      sql: `INSERT INTO subscriptions (id, user_id, stripe_customer_id, status, created_at) VALUES ('sub_x', ?, 'cus_x', 'active', ?)`,
      args: [String(userId), Date.now()],
    });
    const page = await coach.get('/coach');
    expect(page.status).toBe(200);
    const html = await page.text();
    const section = /<section aria-labelledby="email-heading">([\s\S]*?)<\/section>/.exec(html)![1]!;
    expect(text(section)).toContain(
      'Attribution counts visits through the email\u2019s links, not people'.replace('\u2019', "'"),
    );
    expect(text(section)).toMatch(/no tracking pixel and no open tracking/);
    const row = /<tr>\s*<th scope="row"[^>]*>\s*Five follow-up lines that work([\s\S]*?)<\/tr>/.exec(section)![1]!;
    const cells = [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map(([, cell]) => cell);
    // Sent, delivered, bounced, complaints; views, captures, members, paying.
    expect(cells).toEqual(['5', '4', '1', '0', '2', '1', '2', '1']);
    expect(text(row)).toContain('Newsletter, sent');
  });

  it('leaves out a campaign that names no email', async () => {
    await beacon(`/articles/${ARTICLE}?utm_campaign=b-made-up`);
    expect((await campaignViews()).map((row) => row.campaign)).toContain('b-made-up');
    const html = await (await coach.get('/coach')).text();
    expect(html).not.toContain('b-made-up');
  });

  it('is the coach’s alone', async () => {
    expect((await new Browser(base).get('/coach')).status).toBe(303);
  });
});

describe('query plans', () => {
  it('each of the email section’s queries reads an index or a primary key, never a whole table of people', async () => {
    const test = openTestDatabase();
    const queries = campaignQueries(
      { from: '2026-11-01', to: '2026-11-30', preset: null },
      Date.parse('2026-11-01T00:00:00Z'),
      Date.parse('2026-12-01T00:00:00Z'),
    );
    const expected: Record<string, RegExp> = {
      views: /SEARCH campaign_views USING (COVERING )?INDEX sqlite_autoindex_campaign_views_1/,
      captures: /SEARCH leads USING INDEX leads_created/,
      members: /SEARCH users USING COVERING INDEX users_created_campaign/,
      paying: /SCAN subscriptions USING INDEX subscriptions_user[\s\S]*SEARCH u USING INDEX sqlite_autoindex_users_1/,
      broadcasts: /SEARCH broadcasts USING INDEX broadcasts_due/,
      steps: /SCAN sequence_steps USING INDEX sequence_steps_position/,
      stats: /SCAN campaign_stats/,
    };
    for (const [name, query] of Object.entries(queries)) {
      const rows = (await test.db.all(raw`EXPLAIN QUERY PLAN ${query}`)) as { detail: string }[];
      const plan = rows.map((row) => row.detail).join('\n');
      expect(plan, name).toMatch(expected[name]!);
      expect(plan, name).not.toMatch(/SCAN (leads|users|subscriptions|campaign_views)\b(?! USING)/);
    }
  });
});
