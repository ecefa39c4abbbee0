/**
 * Comments through HTTP on the built server, as browsers use them without JavaScript: XSS
 * payloads posted and edited, then read back on the discussion page, the server island and the
 * community page; who may do what (signed out, another member, held and blocked members, members
 * on coach routes, other sites); bad input and the rate limit; and the coach's moderation, reply
 * emails with their one-click off link, and export/import.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderComment } from '../../src/lib/comments/markdown.ts';
import { problemsIn, tagsOf, XSS_PAYLOADS } from '../fixtures/xss-payloads.ts';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;

const SLUG = 'thank-you-note-within-24-hours';
const OTHER_SLUG = 'follow-up-after-networking-calls';
const discussionPage = (slug = SLUG) => `/articles/${slug}/comments`;
const act = (name: string, slug = SLUG) => `/articles/${slug}/comments?_action=comments.${name}`;
const coachAct = (name: string) => `/coach/comments?queue=reported&_action=comments.${name}`;

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

  override async postMultipart(path: string, form: FormData, extra: Record<string, string> = {}) {
    const response = await super.postMultipart(path, form, extra);
    answers.push({ path, status: response.status });
    return response;
  }
}

/** A signed-up, confirmed member, in a recording browser. */
async function member(email: string): Promise<Visitor> {
  const signedUp = await signedUpMember(base, sql, email);
  const visitor = new Visitor(base);
  visitor.cookie = signedUp.cookie;
  return visitor;
}

const rows = async (query: string, args: (string | number)[] = []) => (await sql.execute({ sql: query, args })).rows;
const value = async (query: string, args: (string | number)[] = []) => (await rows(query, args))[0]?.[0];
const count = async (query: string, args: (string | number)[] = []) => Number(await value(query, args));
const userId = async (email: string) => String(await value('SELECT id FROM users WHERE email = ?', [email]));
const commentsBy = (email: string) =>
  count('SELECT count(*) FROM comments WHERE user_id = (SELECT id FROM users WHERE email = ?)', [email]);

async function setHoldFirst(hold: boolean): Promise<void> {
  await sql.execute({
    sql: `INSERT INTO app_settings (key, value) VALUES ('comments.holdFirst', ?)
          ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    args: [String(hold)],
  });
}

/** Everything comments can change, to prove a refused request changed none of it. */
async function snapshot(): Promise<string> {
  const queries = [
    'SELECT * FROM comments ORDER BY id',
    'SELECT * FROM comment_likes ORDER BY comment_id, user_id',
    'SELECT * FROM comment_reports ORDER BY id',
    'SELECT * FROM moderation_log ORDER BY id',
    "SELECT key, value FROM app_settings WHERE key LIKE 'comments.%'",
    'SELECT id, role, commenting_blocked_at, email_replies FROM users ORDER BY id',
    'SELECT count(*) FROM outbox',
  ];
  return JSON.stringify(await Promise.all(queries.map(async (query) => (await sql.execute(query)).rows)));
}

/** Posts a comment (or a reply) and gives back its id from the redirect. */
async function postComment(browser: Browser, body: string, slug = SLUG, parentId?: string): Promise<string> {
  const response = await browser.post(act('post', slug), {
    slug,
    body,
    back: 'comments',
    notifyChoice: '1',
    notifyReplies: 'on',
    ...(parentId ? { parentId } : {}),
  });
  expect(response.status, body.slice(0, 80)).toBe(303);
  const location = response.headers.get('location') ?? '';
  expect(location).toMatch(new RegExp(`^/articles/${slug}/comments\\?saved=posted#c-[a-z0-9]+$`));
  return location.split('#c-')[1]!;
}

/** The inner HTML of every comment body on a page. */
const commentBodies = (html: string) =>
  [...html.matchAll(/<div class="comment-body"[^>]*>([\s\S]*?)<\/div>/g)].map((match) => match[1]!);

/** The HTML of one comment (its <article>) on a discussion page, or undefined. */
function commentOn(html: string, id: string): string | undefined {
  const start = html.indexOf(`id="c-${id}"`);
  if (start < 0) return undefined;
  const end = html.indexOf('<div class="comment-actions"', start);
  return html.slice(start, end < 0 ? undefined : end);
}

/** The server island that renders an article's discussion, fetched as the browser's script would. */
async function island(browser: Browser, slug = SLUG): Promise<string> {
  const article = await browser.get(`/articles/${slug}`);
  expect(article.status).toBe(200);
  const url = /fetch\("(\/_server-islands\/CommentsIsland\?[^"]+)"/.exec(await article.text())?.[1];
  expect(url, 'the article page loads its comments island').toBeTruthy();
  const response = await browser.get(url!);
  expect(response.status).toBe(200);
  return response.text();
}

async function pageHtml(browser: Browser, path: string): Promise<string> {
  const response = await browser.get(path);
  expect(response.status, path).toBe(200);
  return response.text();
}

/** What is wrong with the comment bodies of a page, each named by its place. */
const bodyProblems = (html: string) =>
  commentBodies(html).flatMap((body, index) => problemsIn(body).map((problem) => `comment ${index + 1}: ${problem}`));

/**
 * What is wrong with a whole page that shows comments, around the comment bodies: event handlers
 * on any element, scripts that are not the page's own, a page cut short.
 */
function pageProblems(html: string, ownScripts: number): string[] {
  const problems: string[] = [];
  for (const tag of tagsOf(visible(html)))
    for (const attribute of tag.attributes)
      if (/^on/i.test(attribute.name)) problems.push(`<${tag.name} ${attribute.name}> on the page`);
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].map((match) => match[0]);
  if (scripts.length !== ownScripts) problems.push(`${scripts.length} scripts instead of ${ownScripts}`);
  for (const script of scripts)
    if (/alert\(|msgbox|document\.cookie|evil\.example/.test(script)) problems.push(`script ${script.slice(0, 80)}`);
  if (!html.includes('</main>') || !html.includes('<footer')) problems.push('the page is cut short');
  return problems;
}

beforeAll(async () => {
  server = await startMemberServer(database.url);
});
afterAll(async () => {
  await server.stop();
  sql.close();
});
afterEach(() => {
  const errors = answers.splice(0).filter((answer) => answer.status >= 500);
  expect(errors, 'server errors').toEqual([]);
});

let coach: Visitor;
beforeAll(async () => {
  coach = await member('coach@example.com');
  await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'coach@example.com'");
});

describe('XSS through posting and editing', () => {
  /** The payloads go round three articles, so each island (20 newest) shows all of its own. */
  const ARTICLES = [
    'why-following-up-decides-outcomes',
    'ask-for-updates-offer-value',
    'professional-persistence-after-the-timeline',
  ];
  const EDITED = '</textarea><script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))';
  const posted: { id: string; slug: string; name: string }[] = [];
  let author: Visitor;
  let plainId: string;
  const baseline: Record<string, number> = {};
  let reader: Visitor;

  beforeAll(async () => {
    await setHoldFirst(false);
    reader = await member('xss-reader@example.com');
    // The page's own scripts, before any comment exists (as the author and as a reader).
    for (const slug of ARTICLES) {
      baseline[`page:${slug}`] = (await pageHtml(reader, discussionPage(slug))).match(/<script\b/gi)?.length ?? 0;
      baseline[`island:${slug}`] = (await island(reader, slug)).match(/<script\b/gi)?.length ?? 0;
    }
    baseline['community'] = (await pageHtml(reader, '/community')).match(/<script\b/gi)?.length ?? 0;

    // Six comments a member in ten minutes: enough members for every payload.
    const posters = await Promise.all(
      Array.from({ length: Math.ceil((XSS_PAYLOADS.length + 3) / 6) }, (_, n) => member(`xss-${n}@example.com`)),
    );
    author = posters[0]!;
    plainId = await postComment(author, 'A plain comment, soon to be edited.', ARTICLES[0]);
    let next = 1;
    for (const [index, payload] of XSS_PAYLOADS.entries()) {
      const slug = ARTICLES[index % ARTICLES.length]!;
      const id = await postComment(posters[Math.floor(next++ / 6)]!, payload.body, slug);
      posted.push({ id, slug, name: payload.name });
    }
    // Replies carry payloads too.
    for (const body of ['<img src=x onerror=alert(1)>', '</textarea><script>alert(1)</script>']) {
      const parent = posted[0]!;
      const id = await postComment(posters[Math.floor(next++ / 6)]!, body, parent.slug, parent.id);
      posted.push({ id, slug: parent.slug, name: `reply ${body}` });
    }
  });

  it('accepts every payload as a comment and stores HTML that cannot run', async () => {
    expect(posted).toHaveLength(XSS_PAYLOADS.length + 2);
    const stored = await rows("SELECT id, html, status FROM comments WHERE status = 'published'");
    expect(stored.length).toBe(XSS_PAYLOADS.length + 3);
    for (const row of stored) expect(String(row['html'])).not.toMatch(/<(script|img|svg|iframe|object|embed|style)/i);
  });

  it('lets the author edit a comment into a payload, stored rendered by us', async () => {
    const response = await author.post(act('edit', ARTICLES[0]), { id: plainId, body: EDITED, back: 'comments' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/articles/${ARTICLES[0]}/comments?saved=edited#c-${plainId}`);
    const [row] = await rows('SELECT body, html, edited_at FROM comments WHERE id = ?', [plainId]);
    expect(row!['body']).toBe(EDITED);
    expect(row!['html']).toBe(renderComment(EDITED));
    expect(row!['edited_at']).not.toBeNull();
    expect(problemsIn(String(row!['html']))).toEqual([]);
    // From here on, the edited comment is read back with the others.
    posted.push({ id: plainId, slug: ARTICLES[0]!, name: 'edited into a payload' });
  });

  it('shows every payload inert on the discussion pages, to a reader', async () => {
    const problems: Record<string, string[]> = {};
    for (const slug of ARTICLES) {
      const html = await pageHtml(reader, discussionPage(slug));
      for (const entry of posted.filter((item) => item.slug === slug)) {
        const shown = commentOn(html, entry.id);
        if (!shown) problems[entry.name] = ['not on the page'];
        else if (problemsIn(commentBodies(shown)[0] ?? '').length)
          problems[entry.name] = problemsIn(commentBodies(shown)[0]!);
      }
      const page = pageProblems(html, baseline[`page:${slug}`]!);
      if (page.length) problems[`page ${slug}`] = page;
    }
    expect(problems).toEqual({});
  });

  it("escapes the author's own text in the edit box, where a payload could close the textarea", async () => {
    const html = await pageHtml(author, discussionPage(ARTICLES[0]));
    expect(pageProblems(html, baseline[`page:${ARTICLES[0]}`]!)).toEqual([]);
    expect(html).toContain(`id="edit-${plainId}"`);
    expect(html).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(commentOn(html, plainId)).toContain('(edited)');
  });

  it('shows every payload inert in the server island of each article', async () => {
    const problems: Record<string, string[]> = {};
    for (const slug of ARTICLES) {
      const html = await island(reader, slug);
      for (const entry of posted.filter((item) => item.slug === slug)) {
        const shown = commentOn(html, entry.id);
        if (!shown) problems[entry.name] = ['not in the island'];
        else if (problemsIn(commentBodies(shown)[0] ?? '').length)
          problems[entry.name] = problemsIn(commentBodies(shown)[0]!);
      }
      if ((html.match(/<script\b/gi)?.length ?? 0) !== baseline[`island:${slug}`])
        problems[`island ${slug} scripts`] = ['a script was added'];
    }
    expect(problems).toEqual({});
  });

  it('shows the payloads as plain text on the community page, every page of it', async () => {
    const problems: string[] = [];
    let excerpts = 0;
    for (const page of [1, 2, 3]) {
      const html = await pageHtml(reader, page === 1 ? '/community' : `/community?page=${page}`);
      problems.push(
        ...[...pageProblems(html, baseline['community']!), ...bodyProblems(html)].map(
          (problem) => `page ${page}: ${problem}`,
        ),
      );
      const list = /<ol class="comment-list">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
      for (const tag of tagsOf(list))
        if (!['li', 'header', 'strong', 'span', 'a', 'time', 'p'].includes(tag.name))
          problems.push(`page ${page}: <${tag.name}> in the list`);
      excerpts += list.match(/<li class="comment">/g)?.length ?? 0;
    }
    expect(problems).toEqual([]);
    expect(excerpts).toBe(XSS_PAYLOADS.length + 3);
    // The text of a payload is there, escaped: readers see what was typed.
    expect(await pageHtml(reader, '/community?page=3')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('authorisation', () => {
  let sam: Visitor;
  let eve: Visitor;
  let samsComment: string;

  beforeAll(async () => {
    await setHoldFirst(false);
    [sam, eve] = await Promise.all([member('sam@example.com'), member('eve@example.com')]);
    samsComment = await postComment(sam, 'My thank-you note got a reply within the hour.');
  });

  it('refuses every comment action of a signed-out visitor, writing nothing', async () => {
    const visitor = new Visitor(base);
    const before = await snapshot();
    const attempts: [string, Record<string, string>][] = [
      ['post', { slug: SLUG, body: 'Anonymous words' }],
      ['post', { slug: SLUG, body: 'Anonymous reply', parentId: samsComment }],
      ['edit', { id: samsComment, body: 'Defaced' }],
      ['remove', { id: samsComment }],
      ['like', { id: samsComment }],
      ['report', { id: samsComment, reason: 'spam' }],
    ];
    for (const [action, fields] of attempts) {
      const response = await visitor.post(act(action), { ...fields, back: 'comments' });
      expect(response.status, action).toBe(401);
      expect(visible(await response.text()), action).toContain('Sign in again to continue.');
    }
    const coachAttempts: [string, Record<string, string>][] = [
      ['moderate', { id: samsComment, action: 'delete' }],
      ['block', { userId: await userId('sam@example.com'), blocked: 'true', hidePast: 'on' }],
      ['holdFirst', { hold: 'true' }],
    ];
    for (const [action, fields] of coachAttempts) {
      const response = await visitor.post(coachAct(action), fields);
      expect(response.status, action).toBe(303);
      expect(response.headers.get('location'), action).toMatch(/^\/login\?next=/);
    }
    const form = new FormData();
    form.set('file', new File(['{}'], 'comments.json', { type: 'application/json' }));
    expect((await visitor.postMultipart(coachAct('importJson'), form)).status).toBe(303);
    expect((await visitor.get('/coach/comments')).headers.get('location')).toMatch(/^\/login\?next=/);
    expect((await visitor.get('/coach/comments/export.json')).status).toBe(404);
    expect(await snapshot()).toBe(before);

    // The signed-out page invites to sign in rather than offering forms.
    const html = visible(await pageHtml(visitor, discussionPage()));
    expect(html).toContain('My thank-you note got a reply within the hour.');
    expect(html).toContain('/login?next=');
    expect(html).not.toContain('id="comment-body"');
  });

  it("answers another member's comment like one that does not exist, and leaves it as it was", async () => {
    const before = await snapshot();
    for (const [action, fields] of [
      ['edit', { id: samsComment, body: 'Defaced by eve' }],
      ['remove', { id: samsComment }],
    ] as const) {
      const response = await eve.post(act(action), { ...fields, back: 'comments' });
      expect(response.status, action).toBe(404);
      expect(visible(await response.text()), action).toContain('That comment is not there any more.');
    }
    expect(await snapshot()).toBe(before);
    const html = await pageHtml(eve, discussionPage());
    expect(html).not.toContain(`id="edit-${samsComment}"`);
    expect(commentOn(html, samsComment)).toContain('My thank-you note got a reply within the hour.');
  });

  it('keeps a held comment from everyone but its author, who sees it waiting', async () => {
    await setHoldFirst(true);
    const dana = await member('dana@example.com');
    const held = await postComment(dana, 'Held words that only Dana may see yet.');
    expect(await value('SELECT status FROM comments WHERE id = ?', [held])).toBe('held');

    for (const [who, browser] of [
      ['eve', eve],
      ['a visitor', new Visitor(base)],
    ] as const) {
      for (const html of [await pageHtml(browser, discussionPage()), await island(browser)]) {
        expect(html, who).not.toContain('Held words');
        expect(html, who).not.toContain(held);
      }
    }
    expect(await pageHtml(eve, '/community')).not.toContain('Held words');

    for (const html of [await pageHtml(dana, discussionPage()), await island(dana)]) {
      const shown = commentOn(html, held);
      expect(shown).toContain('Held words that only Dana may see yet.');
      expect(shown).toContain('Waiting for the coach');
    }

    // Knowing its id is no way in: it cannot be liked, reported or replied to.
    const before = await snapshot();
    for (const [action, fields] of [
      ['like', { id: held }],
      ['report', { id: held, reason: 'spam' }],
      ['post', { slug: SLUG, parentId: held, body: 'A reply to what I cannot see' }],
    ] as const) {
      const response = await eve.post(act(action), { ...fields, back: 'comments' });
      expect(response.status, action).toBe(404);
    }
    expect(await snapshot()).toBe(before);
  });

  it('stops a blocked member posting, and hides their comments when the coach asks', async () => {
    await setHoldFirst(false);
    const mallory = await member('mallory@example.com');
    const malloryId = await userId('mallory@example.com');
    const first = await postComment(mallory, 'Mallory speaks, the first time.');
    const second = await postComment(mallory, 'Mallory speaks again.', OTHER_SLUG);

    const block = await coach.post(coachAct('block'), { userId: malloryId, blocked: 'true' });
    expect(block.status).toBe(303);
    const refused = await mallory.post(act('post'), { slug: SLUG, body: 'Let me in', back: 'comments' });
    expect(refused.status).toBe(403);
    expect(visible(await refused.text())).toContain('Commenting has been switched off for your account.');
    const edit = await mallory.post(act('edit'), { id: first, body: 'Changed while blocked', back: 'comments' });
    expect(edit.status).toBe(403);
    expect(await commentsBy('mallory@example.com')).toBe(2);
    expect(await value('SELECT body FROM comments WHERE id = ?', [first])).toBe('Mallory speaks, the first time.');
    // Blocked alone: what they wrote stays.
    expect(await pageHtml(eve, discussionPage())).toContain('Mallory speaks, the first time.');
    const own = visible(await pageHtml(mallory, discussionPage()));
    expect(own).toContain('Commenting has been switched off for your account.');
    expect(own).not.toContain('id="comment-body"');

    const hide = await coach.post(coachAct('block'), { userId: malloryId, blocked: 'true', hidePast: 'on' });
    expect(hide.status).toBe(303);
    expect((await rows('SELECT status FROM comments WHERE user_id = ?', [malloryId])).map((r) => r['status'])).toEqual([
      'hidden',
      'hidden',
    ]);
    for (const html of [
      await pageHtml(eve, discussionPage()),
      await pageHtml(eve, discussionPage(OTHER_SLUG)),
      await island(eve),
      await island(new Visitor(base), OTHER_SLUG),
      await pageHtml(eve, '/community'),
    ]) {
      expect(html).not.toContain('Mallory speaks');
      expect(html).not.toContain(first);
      expect(html).not.toContain(second);
    }
    const log = await rows('SELECT action FROM moderation_log WHERE target_user_id = ? ORDER BY id', [malloryId]);
    expect(log.map((row) => row['action'])).toEqual(['block', 'block-and-hide']);
  });

  it('answers a member with 404 on every coach page and action, changing nothing', async () => {
    expect((await eve.get('/coach/comments')).status).toBe(404);
    expect((await eve.get('/coach/comments?queue=held')).status).toBe(404);
    const exported = await eve.get('/coach/comments/export.json');
    expect(exported.status).toBe(404);
    expect(await exported.text()).not.toContain('@example.com');

    const before = await snapshot();
    for (const [action, fields] of [
      ['moderate', { id: samsComment, action: 'hide' }],
      ['moderate', { id: samsComment, action: 'delete' }],
      ['block', { userId: await userId('sam@example.com'), blocked: 'true', hidePast: 'on' }],
      ['block', { userId: await userId('mallory@example.com'), blocked: 'false' }],
      ['holdFirst', { hold: 'true' }],
    ] as const) {
      const response = await eve.post(coachAct(action), fields);
      expect(response.status, action).toBe(404);
    }
    const file = JSON.stringify({
      format: 'own-the-follow-up/comments@1',
      comments: [
        {
          id: 'planted-by-eve',
          articleSlug: SLUG,
          parentId: null,
          authorEmail: 'sam@example.com',
          body: 'Words put in Sam’s mouth',
          status: 'published',
          likeCount: 999,
          createdAt: new Date().toISOString(),
        },
      ],
    });
    const form = new FormData();
    form.set('file', new File([file], 'comments.json', { type: 'application/json' }));
    expect((await eve.postMultipart(coachAct('importJson'), form)).status).toBe(404);
    expect(await snapshot()).toBe(before);
  });

  it('refuses posts from another site with 403, writing nothing', async () => {
    const before = await snapshot();
    const evil = { origin: 'https://evil.example' };
    for (const [action, fields] of [
      ['post', { slug: SLUG, body: 'Posted from elsewhere' }],
      ['edit', { id: samsComment, body: 'Edited from elsewhere' }],
      ['remove', { id: samsComment }],
      ['like', { id: samsComment }],
      ['report', { id: samsComment, reason: 'spam' }],
    ] as const) {
      // Sam's own comment, from Sam's browser: only the Origin is wrong.
      const browser = action === 'edit' || action === 'remove' ? sam : eve;
      const response = await browser.post(act(action), { ...fields, back: 'comments' }, evil);
      expect(response.status, action).toBe(403);
    }
    for (const [action, fields] of [
      ['moderate', { id: samsComment, action: 'delete' }],
      ['holdFirst', { hold: 'false' }],
    ] as const) {
      expect((await coach.post(coachAct(action), fields, evil)).status, action).toBe(403);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('bad input', () => {
  beforeAll(() => setHoldFirst(false));

  it('refuses bodies that are empty, too short, too long or too linky, with a message, writing nothing', async () => {
    const bea = await member('bea@example.com');
    const fourLinks =
      '</textarea><script>alert(1)</script> [a](https://a.example) [b](https://b.example) https://c.example www.d.example';
    const cases: [string, string, number][] = [
      ['', 'Write your comment first.', 400],
      ['x', 'Write a little more: a comment needs at least 2 characters.', 400],
      [' \n\t ', 'Write a little more: a comment needs at least 2 characters.', 400],
      ['y'.repeat(5001), 'Keep it under 5,000 characters (this is 5,001).', 400],
      ['z'.repeat(20_001), 'That is far too long for a comment.', 400],
      [fourLinks, 'Up to 3 links a comment, please: it keeps spam out.', 400],
    ];
    const before = await snapshot();
    for (const [body, message, status] of cases) {
      const response = await bea.post(act('post'), { slug: SLUG, body, back: 'comments' });
      expect(response.status, message).toBe(status);
      const html = await response.text();
      expect(visible(html), message).toContain(message);
      expect(html, message).toContain('</main>');
    }
    expect(await snapshot()).toBe(before);
    // What was typed comes back in the box, escaped: it cannot close the textarea.
    const again = await (await bea.post(act('post'), { slug: SLUG, body: fourLinks, back: 'comments' })).text();
    expect(again).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(again).not.toContain('</textarea><script>');
    expect(await commentsBy('bea@example.com')).toBe(0);
  });

  it('answers a filled honeypot like a success, but writes nothing', async () => {
    const bot = await member('bot@example.com');
    const before = await snapshot();
    const response = await bot.post(act('post'), {
      slug: SLUG,
      body: 'Buy cheap follow-ups',
      website: 'https://spam.example',
      back: 'comments',
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/articles/${SLUG}/comments?saved=posted#comments`);
    expect(await snapshot()).toBe(before);
    expect(await pageHtml(new Visitor(base), discussionPage())).not.toContain('Buy cheap follow-ups');
  });

  describe('replies, articles, reports and the edit window', () => {
    let cy: Visitor;
    let dee: Visitor;
    let top: string;
    let reply: string;

    beforeAll(async () => {
      [cy, dee] = await Promise.all([member('cy@example.com'), member('dee@example.com')]);
      top = await postComment(cy, 'Top-level comment by Cy.');
      reply = await postComment(dee, 'A reply by Dee.', SLUG, top);
    });

    it("refuses a reply to a reply, and a reply to another article's comment", async () => {
      const before = await snapshot();
      for (const [slug, parentId] of [
        [SLUG, reply],
        [OTHER_SLUG, top],
        [SLUG, 'no-such-comment'],
      ] as const) {
        const response = await cy.post(act('post', slug), { slug, parentId, body: 'A nested reply', back: 'comments' });
        expect(response.status, `${slug} ${parentId}`).toBe(404);
        expect(visible(await response.text())).toContain('That comment is no longer open for replies.');
      }
      expect(await snapshot()).toBe(before);
    });

    it('answers 404 for an article that does not exist, writing nothing', async () => {
      const before = await snapshot();
      const unknownPage = await cy.post(act('post', 'no-such-article'), {
        slug: 'no-such-article',
        body: 'Hello?',
        back: 'comments',
      });
      expect(unknownPage.status).toBe(404);
      const unknownField = await cy.post(act('post'), { slug: 'no-such-article', body: 'Hello?', back: 'comments' });
      expect(unknownField.status).toBe(404);
      expect(visible(await unknownField.text())).toContain('That article is not here.');
      expect((await cy.get(discussionPage('no-such-article'))).status).toBe(404);
      expect(await snapshot()).toBe(before);
    });

    it('refuses a report with an unknown reason, and takes a good one', async () => {
      const before = await snapshot();
      const response = await dee.post(act('report'), { id: top, reason: 'i-just-dislike-it', back: 'comments' });
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toContain('Choose why you are reporting it.');
      const own = await cy.post(act('report'), { id: top, reason: 'spam', back: 'comments' });
      expect(own.status).toBe(400);
      expect(visible(await own.text())).toContain('You cannot report your own comment.');
      expect(await snapshot()).toBe(before);

      const good = await dee.post(act('report'), {
        id: top,
        reason: 'off-topic',
        note: 'Not about follow-ups',
        back: 'comments',
      });
      expect(good.status).toBe(303);
      expect(await count('SELECT open_reports FROM comments WHERE id = ?', [top])).toBe(1);
    });

    it('refuses an edit after 15 minutes, keeping the comment as it was, but still lets it go', async () => {
      await sql.execute({
        sql: 'UPDATE comments SET created_at = created_at - ? WHERE id = ?',
        args: [16 * 60_000, top],
      });
      const before = await snapshot();
      const response = await cy.post(act('edit'), { id: top, body: 'Too late to change this', back: 'comments' });
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toContain(
        'Comments can be edited for 15 minutes after posting. You can still delete it.',
      );
      expect(await snapshot()).toBe(before);
      expect(await pageHtml(cy, discussionPage())).not.toContain(`id="edit-${top}"`);

      const removed = await cy.post(act('remove'), { id: top, back: 'comments' });
      expect(removed.status).toBe(303);
      const [row] = await rows('SELECT status, body, html FROM comments WHERE id = ?', [top]);
      expect(row).toMatchObject({ status: 'deleted', body: '', html: '' });
      // Its place stays for the reply, without its words.
      const html = await pageHtml(new Visitor(base), discussionPage());
      expect(commentOn(html, top)).toContain('This comment was deleted.');
      expect(html).not.toContain('Top-level comment by Cy.');
      expect(html).toContain('A reply by Dee.');
    });
  });

  it('refuses the 7th comment in 10 minutes, naming the wait, and writes nothing for it', async () => {
    const eager = await member('eager@example.com');
    for (let n = 1; n <= 6; n++) await postComment(eager, `Comment number ${n} from an eager member.`);
    const before = await snapshot();
    const seventh = await eager.post(act('post'), {
      slug: SLUG,
      body: 'Comment number 7, one too many.',
      back: 'comments',
    });
    expect(seventh.status).toBe(429);
    expect(visible(await seventh.text())).toMatch(
      /Too many comments in a few minutes\. For your safety, please wait (10 minutes|[1-9] minutes?) and try again\./,
    );
    expect(await snapshot()).toBe(before);
    expect(await commentsBy('eager@example.com')).toBe(6);
  });
});

describe('moderation', () => {
  let fay: Visitor;
  let reader: Visitor;
  let first: string;
  const logOf = async (id: string) =>
    (await rows('SELECT action FROM moderation_log WHERE comment_id = ? ORDER BY id', [id])).map(
      (row) => row['action'],
    );

  beforeAll(async () => {
    [fay, reader] = await Promise.all([member('fay@example.com'), member('fay-reader@example.com')]);
  });

  it('publishes a held first comment once the coach approves it, and later ones at once', async () => {
    const switched = await coach.post(coachAct('holdFirst'), { hold: 'true' });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/coach/comments?queue=reported&saved=setting');
    expect(await value('SELECT action FROM moderation_log ORDER BY id DESC LIMIT 1')).toBe('hold-first-on');

    first = await postComment(fay, 'Fay’s first follow-up story.');
    expect(await value('SELECT status FROM comments WHERE id = ?', [first])).toBe('held');
    expect(await pageHtml(reader, discussionPage())).not.toContain('Fay’s first follow-up story.');
    expect(await pageHtml(coach, '/coach/comments?queue=held')).toContain('Fay’s first follow-up story.');

    const approved = await coach.post(coachAct('moderate'), { id: first, action: 'approve' });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe('/coach/comments?queue=reported&saved=moderated');
    expect(commentOn(await pageHtml(reader, discussionPage()), first)).toContain('Fay’s first follow-up story.');
    expect(await island(reader)).toContain('Fay’s first follow-up story.');

    const second = await postComment(fay, 'Fay’s second story, no waiting.');
    expect(await value('SELECT status FROM comments WHERE id = ?', [second])).toBe('published');
  });

  it('hides, restores and deletes a comment, logging each action', async () => {
    const moderate = async (action: string) => {
      const response = await coach.post(coachAct('moderate'), { id: first, action });
      expect(response.status, action).toBe(303);
      return pageHtml(reader, discussionPage());
    };
    expect(await moderate('hide')).not.toContain('Fay’s first follow-up story.');
    expect(await pageHtml(fay, discussionPage())).not.toContain('Fay’s first follow-up story.');
    expect(await pageHtml(coach, '/coach/comments?queue=hidden')).toContain('Fay’s first follow-up story.');
    expect(await moderate('restore')).toContain('Fay’s first follow-up story.');
    expect(await moderate('delete')).not.toContain('Fay’s first follow-up story.');
    const [row] = await rows('SELECT status, body, html FROM comments WHERE id = ?', [first]);
    expect(row).toMatchObject({ status: 'deleted', body: '', html: '' });
    expect(await logOf(first)).toEqual(['approve', 'hide', 'restore', 'delete']);
    const log = visible(await pageHtml(coach, '/coach/comments?queue=log'));
    expect(log).toContain(first);
    expect(log).toContain('coach@example.com');

    const back = await coach.post(coachAct('moderate'), { id: first, action: 'restore' });
    expect(back.status).toBe(400);
    expect(visible(await back.text())).toContain('A deleted comment cannot come back.');
    expect(await logOf(first)).toEqual(['approve', 'hide', 'restore', 'delete']);
  });

  it("puts reported comments in the coach's queue and dismisses the reports", async () => {
    const target = await postComment(fay, 'A comment someone will report.');
    const report = await reader.post(act('report'), {
      id: target,
      reason: 'abuse',
      note: '<b>rude</b>',
      back: 'comments',
    });
    expect(report.status).toBe(303);
    const queue = await pageHtml(coach, '/coach/comments?queue=reported');
    expect(commentOn(queue, target)).toContain('A comment someone will report.');
    expect(queue).toContain('Abusive: &lt;b&gt;rude&lt;/b&gt;');
    expect((await coach.post(coachAct('moderate'), { id: target, action: 'dismiss-reports' })).status).toBe(303);
    expect(await count('SELECT open_reports FROM comments WHERE id = ?', [target])).toBe(0);
    expect(
      await count('SELECT count(*) FROM comment_reports WHERE comment_id = ? AND resolved_at IS NULL', [target]),
    ).toBe(0);
    expect(await logOf(target)).toEqual(['dismiss-reports']);
  });

  describe('reply emails', () => {
    let gus: Visitor;
    let hal: Visitor;
    let parent: string;
    let offPath: string;
    const repliesTo = (email: string) =>
      count("SELECT count(*) FROM outbox WHERE kind = 'comment-reply' AND to_address = ?", [email]);

    beforeAll(async () => {
      await setHoldFirst(false);
      [gus, hal] = await Promise.all([member('gus@example.com'), member('hal@example.com')]);
      parent = await postComment(gus, 'Gus asks: how long do you wait?');
    });

    it("queues an email to the parent's author, with a one-click off link", async () => {
      const reply = await postComment(hal, 'Hal answers: <b>three</b> business days.', SLUG, parent);
      const emails = await rows(
        "SELECT to_address, text, html, headers FROM outbox WHERE kind = 'comment-reply' AND to_address = ?",
        ['gus@example.com'],
      );
      expect(emails).toHaveLength(1);
      const [email] = emails;
      expect(email!['to_address']).toBe('gus@example.com');
      expect(String(email!['text'])).toContain('Hal answers: <b>three</b> business days.');
      expect(String(email!['text'])).toContain(`/articles/${SLUG}/comments#c-${reply}`);
      expect(String(email!['html'])).not.toContain('<b>three</b>');
      const path = /\/email\/off\?token=[^\s"'<>)]+/.exec(String(email!['text']))?.[0];
      expect(path, 'the email carries an /email/off link').toBeTruthy();
      offPath = path!;
      expect(String(email!['headers'])).toContain(offPath);
      // Nobody is emailed about their own reply.
      await postComment(gus, 'Gus thanks Hal.', SLUG, parent);
      expect(await repliesTo('gus@example.com')).toBe(1);
    });

    it('switches reply emails off when the link is posted, without signing in or an Origin', async () => {
      // Mail providers POST the one-click unsubscribe (RFC 8058) from their own servers.
      const done = await fetch(base() + offPath, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      answers.push({ path: offPath, status: done.status });
      expect(done.status).toBe(200);
      expect(visible(await done.text())).toContain('Done: no more emails about replies to your comments');
      expect(await count("SELECT email_replies FROM users WHERE email = 'gus@example.com'")).toBe(0);
      const forged = await new Visitor(base).get(offPath.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')));
      expect(forged.status).toBe(400);
    });

    it('are opt-in: a member who never asked for them gets none, and the box on the form asks', async () => {
      const [ivy, jon] = await Promise.all([member('ivy@example.com'), member('jon@example.com')]);
      expect(await count("SELECT email_replies FROM users WHERE email = 'ivy@example.com'")).toBe(0);
      const response = await ivy.post(act('post', SLUG), {
        slug: SLUG,
        body: 'Ivy, no emails please.',
        back: 'comments',
        notifyChoice: '1',
      });
      const ivyComment = (response.headers.get('location') ?? '').split('#c-')[1]!;
      await postComment(jon, 'Jon replies to Ivy.', SLUG, ivyComment);
      expect(await repliesTo('ivy@example.com')).toBe(0);
      expect(await count("SELECT email_replies FROM users WHERE email = 'jon@example.com'")).toBe(1);
    });

    it('queues no email to a member who turned reply emails off', async () => {
      await sql.execute("UPDATE users SET email_replies = 0 WHERE email = 'gus@example.com'");
      const before = await repliesTo('gus@example.com');
      await postComment(hal, 'Hal adds one more thought.', SLUG, parent);
      expect(await repliesTo('gus@example.com')).toBe(before);
    });
  });

  describe('export and import', () => {
    const importFile = async (content: string) => {
      const form = new FormData();
      form.set('file', new File([content], 'comments.json', { type: 'application/json' }));
      const response = await coach.postMultipart(coachAct('importJson'), form);
      expect(response.status).toBe(200);
      return visible(await response.text());
    };
    const comment = (fields: Record<string, unknown>) => ({
      articleSlug: SLUG,
      parentId: null,
      authorEmail: 'fay@example.com',
      status: 'published',
      likeCount: 0,
      createdAt: new Date().toISOString(),
      editedAt: null,
      ...fields,
    });
    const file = (items: unknown[]) => JSON.stringify({ format: 'own-the-follow-up/comments@1', comments: items });

    it('imports its own export into the same database as nothing new', async () => {
      const response = await coach.get('/coach/comments/export.json');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
      const exported = await response.text();
      const data = JSON.parse(exported) as { format: string; comments: unknown[] };
      const total = await count('SELECT count(*) FROM comments');
      expect(data.format).toBe('own-the-follow-up/comments@1');
      expect(data.comments).toHaveLength(total);

      const before = await count('SELECT count(*) FROM comments');
      expect(await importFile(exported)).toContain(`Added 0, already here ${total}, refused 0.`);
      expect(await count('SELECT count(*) FROM comments')).toBe(before);
      expect(await value("SELECT note FROM moderation_log WHERE action = 'import' ORDER BY id DESC LIMIT 1")).toBe(
        '0 added',
      );
    });

    it('renders an imported body itself, ignoring the HTML in the file', async () => {
      const body = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) **imported**';
      const html = await importFile(
        file([comment({ id: 'imported-xss-1', body, html: '<script>alert("imported")</script>' })]),
      );
      expect(html).toContain('Added 1, already here 0, refused 0.');
      const [row] = await rows('SELECT html, body, user_id FROM comments WHERE id = ?', ['imported-xss-1']);
      expect(row!['html']).toBe(renderComment(body));
      expect(String(row!['html'])).not.toContain('<script');
      expect(problemsIn(String(row!['html']))).toEqual([]);
      expect(row!['user_id']).toBe(await userId('fay@example.com'));

      const page = await pageHtml(reader, discussionPage());
      const shown = commentBodies(commentOn(page, 'imported-xss-1') ?? '')[0];
      expect(shown).toBe(renderComment(body));
      expect(page).not.toContain('alert("imported")');
    });

    it('reports a refused comment of a file by its place in the file', async () => {
      const html = await importFile(
        file([
          comment({ id: 'imported-fine-2', body: 'An imported comment that is fine.' }),
          comment({ id: 'imported-orphan-3', parentId: 'not-in-file-or-here', body: 'A reply to nothing.' }),
        ]),
      );
      expect(html).toContain('Added 1, already here 0, refused 1.');
      expect(html).toContain(
        'Comment 2: Its parent is not a top-level comment of the same article, in the file or here.',
      );
    });

    it('adds a comment repeated in one file once, and counts the repeat as already here', async () => {
      const repeated = comment({ id: 'imported-twice-6', body: 'In the file twice.' });
      const html = await importFile(file([repeated, { ...repeated, body: 'The second copy.' }]));
      expect(html).toContain('Added 1, already here 1, refused 0.');
      expect(await rows('SELECT body FROM comments WHERE id = ?', ['imported-twice-6'])).toEqual([
        expect.objectContaining({ body: 'In the file twice.' }),
      ]);
    });

    it('refuses imported replies that are nested two deep or under another article', async () => {
      const [existingReply] = await rows(
        "SELECT id FROM comments WHERE parent_id IS NOT NULL AND status = 'published' AND article_slug = ? LIMIT 1",
        [SLUG],
      );
      const [existingTop] = await rows(
        "SELECT id, article_slug FROM comments WHERE parent_id IS NULL AND status = 'published' AND article_slug = ? LIMIT 1",
        [SLUG],
      );
      const exported = JSON.parse(await (await coach.get('/coach/comments/export.json')).text()) as {
        comments: { id: string }[];
      };
      const before = await count('SELECT count(*) FROM comments');
      const html = await importFile(
        file([
          ...exported.comments.filter((item) => item.id === existingReply!['id'] || item.id === existingTop!['id']),
          comment({ id: 'imported-deep-4', parentId: String(existingReply!['id']), body: 'A reply to a reply.' }),
          comment({
            id: 'imported-elsewhere-5',
            articleSlug: OTHER_SLUG,
            parentId: String(existingTop!['id']),
            body: 'A reply under another article.',
          }),
        ]),
      );
      expect(html).toContain('Added 0, already here 2, refused 2.');
      expect(await count('SELECT count(*) FROM comments')).toBe(before);
    });
  });
});
