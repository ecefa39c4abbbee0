/**
 * The coach's members pages through HTTP on the built server, as browsers use them without
 * JavaScript: who may see them (visitors sent to sign in, members answered 404 with nothing
 * changed); the list's search and filters with exact counts; the CSV and its defused cells; a
 * member's page (source, consent, billing, activity); and the coach's levers there: the coach
 * role (never one's own) and commenting, with bad input refused clearly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, parseCsv } from '../../src/lib/data/csv.ts';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
/** A page's words, without styles, scripts or tags: what a reader sees. */
const words = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

const SLUG = 'thank-you-note-within-24-hours';
const OTHER_SLUG = 'follow-up-after-networking-calls';
const CONSENT = 'Send me the cheat sheet and a few follow-up emails. I can unsubscribe at any time.';
const CONSENT_AT = Date.UTC(2025, 2, 14, 9, 30);
const RENEWS_AT = Date.UTC(2030, 0, 1);
const DAY = 86_400_000;
/** A name a spreadsheet would run as a formula if the CSV did not defuse it. */
const FORMULA_NAME = '=HYPERLINK("https://evil.example","click")';

/** Every answer the tests receive, so that none of them may be a server error. */
const answers: { path: string; status: number }[] = [];

/** A browser whose answers are recorded. */
class Visitor extends Browser {
  override async get(path: string, extra: Record<string, string> = {}) {
    const response = await super.get(path, extra);
    answers.push({ path, status: response.status });
    return response;
  }

  override async post(path: string, fields: Record<string, string>, extra: Record<string, string> = {}) {
    const response = await super.post(path, fields, extra);
    answers.push({ path, status: response.status });
    return response;
  }
}

/** A signed-up, confirmed member with this name, in a recording browser. */
async function member(email: string, name: string): Promise<Visitor> {
  const signedUp = await signedUpMember(base, sql, email);
  await sql.execute({ sql: 'UPDATE users SET name = ? WHERE email = ?', args: [name, email] });
  const visitor = new Visitor(base);
  visitor.cookie = signedUp.cookie;
  return visitor;
}

type Arg = string | number | null;
const rows = async (query: string, args: Arg[] = []) => (await sql.execute({ sql: query, args })).rows;
const value = async (query: string, args: Arg[] = []) => (await rows(query, args))[0]?.[0];
const userId = async (email: string) => String(await value('SELECT id FROM users WHERE email = ?', [email]));
const roleOf = async (email: string) => value('SELECT role FROM users WHERE email = ?', [email]);

/** Everything these pages can change, to prove a refused request changed none of it. */
async function snapshot(): Promise<string> {
  const queries = [
    'SELECT id, role, commenting_blocked_at, updated_at FROM users ORDER BY id',
    'SELECT id, status FROM comments ORDER BY id',
    'SELECT * FROM moderation_log ORDER BY id',
  ];
  return JSON.stringify(await Promise.all(queries.map(async (query) => (await sql.execute(query)).rows)));
}

const memberPage = (id: string) => `/coach/members/${id}`;
const act = (id: string, action: 'coach.setRole' | 'comments.block') => `${memberPage(id)}?_action=${action}`;

async function pageHtml(browser: Browser, path: string): Promise<string> {
  const response = await browser.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** The words of a table's body: its rows without the page around them (the filter form names plans too). */
const tableText = (html: string) => words(/<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '').trim();
/** The text of the form's error (role="alert"), or undefined. */
const formError = (html: string) => /<p\b[^>]*role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim();
/** The text of the confirmation (role="status"), or undefined. */
const confirmation = (html: string) => /<p\b[^>]*role="status"[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.trim();

/** The emails the members list shows, in its order. */
const listedEmails = (html: string) =>
  [...html.matchAll(/<a href="\/coach\/members\/[^"]+">([^<]+)<\/a>/g)].map((match) => match[1]!);

/** How many members the list says match, for a query string. */
async function matching(query: string): Promise<number> {
  const text = words(await pageHtml(coach, `/coach/members?${query}`));
  const found = /(\d+) members? match(?:es)? these filters\./.exec(text);
  expect(found, query).toBeTruthy();
  return Number(found![1]);
}

let coach: Visitor;
let eve: Visitor;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startMemberServer(database.url);
  // Ann asked for the cheat sheet before joining: confirming her address links her lead.
  await sql.execute({
    sql: `INSERT INTO leads (id, email, status, source_path, source_article, utm_source, utm_medium, utm_campaign,
            consent_text, consent_at, confirmed_at, created_at)
          VALUES ('lead-ann', 'ann@example.com', 'confirmed', ?, ?, 'linkedin', 'social', 'spring-push', ?, ?, ?, ?)`,
    args: [`/articles/${SLUG}`, SLUG, CONSENT, CONSENT_AT, CONSENT_AT + 60_000, CONSENT_AT],
  });
  coach = await member('coach@example.com', 'Cora Coach');
  await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'coach@example.com'");
  await member('ann@example.com', 'Ann Archer');
  await member('ben@example.com', 'Ben Baker');
  await member('cat@example.com', FORMULA_NAME);
  await member('dan@example.com', 'Dan Dale');
  eve = await member('eve@example.com', 'Eve Evans');
  await member('cole@example.com', 'Cole Second');
  await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'cole@example.com'");
  for (const name of ['coach', 'ann', 'ben', 'cat', 'dan', 'eve', 'cole'])
    ids[name] = await userId(`${name}@example.com`);

  const now = Date.now();
  // Ben and Dan came from articles too, linked directly.
  await sql.execute({
    sql: `INSERT INTO leads (id, email, status, source_path, source_article, consent_text, consent_at, user_id)
          VALUES ('lead-ben', 'ben@example.com', 'confirmed', ?, ?, ?, ?, ?),
                 ('lead-dan', 'dan@example.com', 'unsubscribed', ?, ?, ?, ?, ?)`,
    args: [
      `/articles/${OTHER_SLUG}`,
      OTHER_SLUG,
      CONSENT,
      CONSENT_AT,
      ids['ben']!,
      `/articles/${SLUG}`,
      SLUG,
      CONSENT,
      CONSENT_AT,
      ids['dan']!,
    ],
  });
  // Ann pays monthly; Ben's payment failed (grace); Dan's Coaching has run out; the rest are free.
  await sql.execute({
    sql: `INSERT INTO subscriptions (id, user_id, stripe_customer_id, status, interval, current_period_end)
          VALUES ('sub_ann', ?, 'cus_ann', 'active', 'month', ?)`,
    args: [ids['ann']!, RENEWS_AT],
  });
  await sql.execute({
    sql: `INSERT INTO entitlements (user_id, status, subscription_id, interval, access_until, renews_at)
          VALUES (?, 'active', 'sub_ann', 'month', ?, ?),
                 (?, 'grace', 'sub_ben', 'year', ?, NULL),
                 (?, 'active', 'sub_dan', 'month', ?, NULL)`,
    args: [ids['ann']!, RENEWS_AT + 3 * DAY, RENEWS_AT, ids['ben']!, now + 5 * DAY, ids['dan']!, now - DAY],
  });
  // Ann keeps a tracker entry; Ben wrote a comment.
  await sql.execute({
    sql: `INSERT INTO opportunities (id, user_id, kind, company, contact_name, last_activity_at)
          VALUES ('opp-ann', ?, 'interview', 'Northwind Labs', 'Priya Shah', ?)`,
    args: [ids['ann']!, now],
  });
  await sql.execute({
    sql: `INSERT INTO comments (id, article_slug, user_id, body, html, status)
          VALUES ('comment-ben', ?, ?, 'Ben was here.', '<p>Ben was here.</p>', 'published')`,
    args: [SLUG, ids['ben']!],
  });
});
afterAll(async () => {
  await server.stop();
  sql.close();
});
afterEach(() => {
  const errors = answers.splice(0).filter((answer) => answer.status >= 500);
  expect(errors, 'server errors').toEqual([]);
});

describe('who may see the members', () => {
  it('sends a signed-out visitor to sign in, changing nothing', async () => {
    const visitor = new Visitor(base);
    const list = await visitor.get('/coach/members');
    expect(list.status).toBe(303);
    expect(list.headers.get('location')).toBe('/login?next=%2Fcoach%2Fmembers');
    for (const path of [memberPage(ids['ann']!), '/coach/members.csv', '/coach/members.csv?plan=coaching']) {
      const response = await visitor.get(path);
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toMatch(/^\/login\?next=%2Fcoach%2Fmembers/);
    }
    const before = await snapshot();
    for (const [action, fields] of [
      ['coach.setRole', { userId: ids['eve']!, role: 'coach' }],
      ['comments.block', { userId: ids['eve']!, blocked: 'true', hidePast: 'on' }],
    ] as const) {
      const response = await visitor.post(act(ids['eve']!, action), fields);
      expect(response.status, action).toBe(303);
      expect(response.headers.get('location'), action).toMatch(/^\/login\?next=/);
    }
    expect(await snapshot()).toBe(before);
  });

  it('answers a member with 404 on every page, the CSV and the actions, changing nothing', async () => {
    expect((await eve.get('/coach/members')).status).toBe(404);
    expect((await eve.get('/coach/members?role=coach')).status).toBe(404);
    expect((await eve.get(memberPage(ids['ann']!))).status).toBe(404);
    const csv = await eve.get('/coach/members.csv');
    expect(csv.status).toBe(404);
    expect(await csv.text()).not.toContain('@example.com');

    const before = await snapshot();
    for (const [target, action, fields] of [
      ['eve', 'coach.setRole', { userId: ids['eve']!, role: 'coach' }],
      ['coach', 'coach.setRole', { userId: ids['coach']!, role: 'member' }],
      ['ann', 'comments.block', { userId: ids['ann']!, blocked: 'true', hidePast: 'on' }],
    ] as const) {
      const response = await eve.post(act(ids[target]!, action), fields);
      expect(response.status, `${action} on ${target}`).toBe(404);
    }
    expect(await snapshot()).toBe(before);
    expect(await roleOf('eve@example.com')).toBe('member');
  });

  it('refuses the coach role changed from another site with 403', async () => {
    const before = await snapshot();
    const response = await coach.post(
      act(ids['eve']!, 'coach.setRole'),
      { userId: ids['eve']!, role: 'coach' },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(await snapshot()).toBe(before);
  });
});

describe('the members list', () => {
  it('lists every member, newest first, each linking to their page', async () => {
    const html = await pageHtml(coach, '/coach/members');
    expect(words(html)).toContain('7 members match these filters.');
    const newestFirst = (await rows('SELECT email FROM users ORDER BY created_at DESC')).map((row) =>
      String(row['email']),
    );
    expect(listedEmails(html)).toEqual(newestFirst);
    expect(html).toContain(`href="/coach/members/${ids['ann']}"`);
    expect(html).toContain('<caption');
    expect(html).toContain('scope="col"');
    expect(html).toContain('href="/coach/members.csv?"');
  });

  it.each([
    ['q=ann', 1],
    ['q=ANN%40EXAMPLE', 1],
    ['q=baker', 1],
    ['q=Cole+Second', 1],
    ['q=example.com', 7],
    // A % or _ typed in the search is that character, not a wildcard.
    ['q=%25', 0],
    ['q=_', 0],
    ['q=nobody-here', 0],
    ['role=coach', 2],
    ['role=member', 5],
    ['plan=coaching', 1],
    ['plan=grace', 1],
    ['plan=ended', 1],
    ['plan=free', 4],
    [`source=${SLUG}`, 2],
    [`source=${OTHER_SLUG}`, 1],
    [`plan=coaching&source=${SLUG}`, 1],
    ['role=coach&plan=free', 2],
    ['role=member&plan=free&q=cat', 1],
    // Malformed values are ignored.
    ['role=admin&plan=gold&source=..%2F..%2Fetc', 7],
  ] as const)('counts %s as %i', async (query, expected) => {
    expect(await matching(query)).toBe(expected);
  });

  it('shows who matches a filter, and keeps the filter in the form and the CSV link', async () => {
    const html = await pageHtml(coach, `/coach/members?source=${SLUG}`);
    expect(new Set(listedEmails(html))).toEqual(new Set(['ann@example.com', 'dan@example.com']));
    expect(html).toMatch(new RegExp(`<option value="${SLUG}" selected`));
    expect(html).toContain(`href="/coach/members.csv?source=${SLUG}"`);

    const plans = await pageHtml(coach, '/coach/members?plan=grace');
    expect(listedEmails(plans)).toEqual(['ben@example.com']);
    expect(plans).toMatch(/<option value="grace" selected/);
    expect(words(plans)).toContain('1 member matches these filters.');
  });

  it('shows the name, source, plan and commenting state in the table', async () => {
    const ann = tableText(await pageHtml(coach, '/coach/members?q=ann'));
    expect(ann).toContain('ann@example.com Ann Archer');
    expect(ann).toContain(`member Coaching ${SLUG} no`);
    const eveRow = tableText(await pageHtml(coach, '/coach/members?q=eve'));
    expect(eveRow).toContain('member Free Signed up directly no');
    const ben = tableText(await pageHtml(coach, '/coach/members?q=ben'));
    expect(ben).toContain(`Coaching, payment failed ${OTHER_SLUG}`);
  });
});

describe('the members CSV', () => {
  const HEADER = [
    'email',
    'name',
    'role',
    'plan',
    'joined_at',
    'email_confirmed_at',
    'source_article',
    'source_path',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'consent_at',
    'commenting_stopped_at',
  ];

  it('downloads every member with the agreed columns', async () => {
    const response = await coach.get('/coach/members.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="members.csv"');
    const [header, ...data] = parseCsv(await response.text());
    expect(header).toEqual(HEADER);
    expect(data).toHaveLength(7);
    const ann = Object.fromEntries(
      data.find((row) => row[0] === 'ann@example.com')!.map((cell, i) => [HEADER[i], cell]),
    );
    expect(ann).toMatchObject({
      name: 'Ann Archer',
      role: 'member',
      plan: 'coaching',
      source_article: SLUG,
      source_path: `/articles/${SLUG}`,
      utm_source: 'linkedin',
      utm_medium: 'social',
      utm_campaign: 'spring-push',
      consent_at: new Date(CONSENT_AT).toISOString(),
      commenting_stopped_at: '',
    });
    expect(ann['joined_at']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(ann['email_confirmed_at']).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const plans = Object.fromEntries(data.map((row) => [row[0], row[3]]));
    expect(plans).toMatchObject({
      'ben@example.com': 'grace',
      'dan@example.com': 'ended',
      'eve@example.com': 'free',
      'coach@example.com': 'free',
    });
  });

  it('applies the same filters as the list', async () => {
    const [, ...coaches] = parseCsv(await (await coach.get('/coach/members.csv?role=coach')).text());
    expect(new Set(coaches.map((row) => row[0]))).toEqual(new Set(['coach@example.com', 'cole@example.com']));
    const [, ...grace] = parseCsv(await (await coach.get('/coach/members.csv?plan=grace')).text());
    expect(grace.map((row) => row[0])).toEqual(['ben@example.com']);
    const [header, ...none] = parseCsv(await (await coach.get('/coach/members.csv?q=nobody-here')).text());
    expect(header).toEqual(HEADER);
    expect(none).toEqual([]);
  });

  it('defuses a name a spreadsheet would read as a formula', async () => {
    const text = await (await coach.get('/coach/members.csv?q=cat')).text();
    expect(text).toContain(csvCell(FORMULA_NAME));
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example"",""click"")"`);
    expect(text).not.toMatch(/(^|,)"=/m);
    // Read back, the cell is the name as it was written.
    expect(parseCsv(text)[1]![1]).toBe(FORMULA_NAME);
  });
});

describe("a member's page", () => {
  it('shows who they are, their source, the consent they gave and their billing', async () => {
    const html = await pageHtml(coach, memberPage(ids['ann']!));
    const text = words(html);
    expect(text).toContain('ann@example.com');
    expect(text).toContain('Ann Archer');
    expect(text).toContain('Europe/Paris');
    expect(text).toContain('Confirmed on');
    expect(html).toContain(`href="/articles/${SLUG}"`);
    expect(text).toContain('linkedin');
    expect(text).toContain('spring-push');
    expect(text).not.toContain('Signed up directly');
    expect(text).toContain(CONSENT);
    expect(text).toContain('14 Mar 2025, 09:30 UTC');
    expect(text).toContain('confirmed');
    expect(text).toContain('Coaching, billed monthly. Renews on 1 January 2030.');
    expect(text).toContain('monthly');
    expect(text).toContain('1 tracker entry');
    expect(text).toContain('0 comments');
    expect(text).toContain('Make them a coach');
    expect(text).toContain('Stop them commenting');
    expect(html).toContain('href="/coach/members"');
  });

  it('says when a member signed up directly, and shows a failed payment and a comment', async () => {
    const eveText = words(await pageHtml(coach, memberPage(ids['eve']!)));
    expect(eveText).toContain('Signed up directly');
    expect(eveText).toContain('No marketing consent');
    expect(eveText).toContain('Free');
    const benText = words(await pageHtml(coach, memberPage(ids['ben']!)));
    expect(benText).toContain(OTHER_SLUG);
    expect(benText).toContain('Your last payment did not go through.');
    expect(benText).toContain('1 comment');
    const danText = words(await pageHtml(coach, memberPage(ids['dan']!)));
    expect(danText).toContain('Your Coaching membership has ended.');
    expect(danText).toContain('unsubscribed');
  });

  it('answers 404 for an id that is not a member, and says so', async () => {
    const response = await coach.get(memberPage('no-such-member'));
    expect(response.status).toBe(404);
    expect(words(await response.text())).toContain('There is no member with this id.');
  });

  it("does not offer to remove the coach's own role", async () => {
    const text = words(await pageHtml(coach, memberPage(ids['coach']!)));
    expect(text).toContain('You cannot remove your own coach role: ask another coach.');
    expect(text).not.toContain('Remove their coach role');
    expect(text).toContain('Coaches cannot be stopped from commenting.');
  });
});

describe('the coach role', () => {
  it('grants the coach role and takes it away again', async () => {
    const granted = await coach.post(act(ids['eve']!, 'coach.setRole'), { userId: ids['eve']!, role: 'coach' });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe(`${memberPage(ids['eve']!)}?saved=coach`);
    expect(await roleOf('eve@example.com')).toBe('coach');
    expect(confirmation(await pageHtml(coach, granted.headers.get('location')!))).toBe('Done: they are now a coach.');
    expect((await eve.get('/coach/members')).status).toBe(200);

    const removed = await coach.post(act(ids['eve']!, 'coach.setRole'), { userId: ids['eve']!, role: 'member' });
    expect(removed.status).toBe(303);
    expect(removed.headers.get('location')).toBe(`${memberPage(ids['eve']!)}?saved=member`);
    expect(await roleOf('eve@example.com')).toBe('member');
    expect(confirmation(await pageHtml(coach, removed.headers.get('location')!))).toBe(
      'Done: they are no longer a coach.',
    );
    expect((await eve.get('/coach/members')).status).toBe(404);
  });

  it("removes another coach's role", async () => {
    const response = await coach.post(act(ids['cole']!, 'coach.setRole'), { userId: ids['cole']!, role: 'member' });
    expect(response.status).toBe(303);
    expect(await roleOf('cole@example.com')).toBe('member');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'cole@example.com'");
  });

  it('refuses to remove your own coach role, with a message, changing nothing', async () => {
    const before = await snapshot();
    const response = await coach.post(act(ids['coach']!, 'coach.setRole'), {
      userId: ids['coach']!,
      role: 'member',
    });
    expect(response.status).toBe(400);
    // As the form's error (the page also explains it beside the role, so look for the alert).
    expect(formError(await response.text())).toBe('You cannot remove your own coach role: ask another coach.');
    expect(await roleOf('coach@example.com')).toBe('coach');
    expect(await snapshot()).toBe(before);
    expect((await coach.get('/coach/members')).status).toBe(200);
  });

  it('answers 404 for a member that does not exist, changing nothing', async () => {
    const before = await snapshot();
    const response = await coach.post(act('no-such-member', 'coach.setRole'), {
      userId: 'no-such-member',
      role: 'coach',
    });
    expect(response.status).toBe(404);
    expect(words(await response.text())).toContain('There is no member with this id.');
    // From a real member's page too: the message says what went wrong.
    const elsewhere = await coach.post(act(ids['ann']!, 'coach.setRole'), { userId: 'no-such-member', role: 'coach' });
    expect(elsewhere.status).toBe(404);
    expect(formError(await elsewhere.text())).toBe('There is no member with that id.');
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['a missing member', { role: 'coach' }, 'Choose a member first.'],
    ['an empty member', { userId: '', role: 'coach' }, 'Choose a member first.'],
    ['a missing role', { userId: 'ANN', role: '' }, 'Choose member or coach as the role.'],
    ['a role that does not exist', { userId: 'ANN', role: 'admin' }, 'Choose member or coach as the role.'],
  ] as const)('refuses %s with a message, changing nothing', async (_name, fields, message) => {
    const before = await snapshot();
    const sent: Record<string, string> = { ...fields };
    if (sent['userId'] === 'ANN') sent['userId'] = ids['ann']!;
    const response = await coach.post(act(ids['ann']!, 'coach.setRole'), sent);
    expect(response.status).toBe(400);
    expect(formError(await response.text())).toBe(message);
    expect(await snapshot()).toBe(before);
    expect(await roleOf('ann@example.com')).toBe('member');
  });
});

describe('commenting, from the member page', () => {
  it('stops a member commenting, hiding what they wrote, and lets them comment again', async () => {
    const stopped = await coach.post(act(ids['ben']!, 'comments.block'), {
      userId: ids['ben']!,
      blocked: 'true',
      hidePast: 'on',
    });
    expect(stopped.status).toBe(303);
    expect(stopped.headers.get('location')).toBe(`${memberPage(ids['ben']!)}?saved=stopped`);
    expect(await value('SELECT commenting_blocked_at FROM users WHERE id = ?', [ids['ben']!])).not.toBeNull();
    expect(await value("SELECT status FROM comments WHERE id = 'comment-ben'")).toBe('hidden');
    const html = await pageHtml(coach, stopped.headers.get('location')!);
    expect(confirmation(html)).toBe('Done: they can no longer comment.');
    const page = words(html);
    expect(page).toContain('Let them comment again');
    expect(await matching('q=ben')).toBe(1);
    expect(tableText(await pageHtml(coach, '/coach/members?q=ben'))).toContain('yes, since');
    const [, ...csv] = parseCsv(await (await coach.get('/coach/members.csv?q=ben')).text());
    expect(csv[0]![12]).toMatch(/^\d{4}-\d{2}-\d{2}T/);

    const allowed = await coach.post(act(ids['ben']!, 'comments.block'), { userId: ids['ben']!, blocked: 'false' });
    expect(allowed.status).toBe(303);
    expect(allowed.headers.get('location')).toBe(`${memberPage(ids['ben']!)}?saved=allowed`);
    expect(await value('SELECT commenting_blocked_at FROM users WHERE id = ?', [ids['ben']!])).toBeNull();
    expect(confirmation(await pageHtml(coach, allowed.headers.get('location')!))).toBe('Done: they can comment again.');
  });

  it('stops a member commenting without hiding what they wrote when the box is not ticked', async () => {
    await sql.execute("UPDATE comments SET status = 'published' WHERE id = 'comment-ben'");
    const stopped = await coach.post(act(ids['ben']!, 'comments.block'), { userId: ids['ben']!, blocked: 'true' });
    expect(stopped.status).toBe(303);
    expect(await value('SELECT commenting_blocked_at FROM users WHERE id = ?', [ids['ben']!])).not.toBeNull();
    expect(await value("SELECT status FROM comments WHERE id = 'comment-ben'")).toBe('published');
    await coach.post(act(ids['ben']!, 'comments.block'), { userId: ids['ben']!, blocked: 'false' });
  });

  it('refuses to stop a coach commenting, with a message, changing nothing', async () => {
    const before = await snapshot();
    const response = await coach.post(act(ids['cole']!, 'comments.block'), { userId: ids['cole']!, blocked: 'true' });
    expect(response.status).toBe(404);
    expect(formError(await response.text())).toContain('the coach cannot be blocked');
    expect(await snapshot()).toBe(before);
  });
});
