import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseFile, MIGRATION_COUNT } from '../setup/test-database.ts';
import { startExpectingFailure, startServer, type RunningServer, errorLines } from '../setup/built-server.ts';

let server: RunningServer;
const database = freshDatabaseFile();

beforeAll(async () => {
  server = await startServer({ DATABASE_URL: database.url });
});
afterAll(async () => {
  await server.stop();
});

const get = (path: string, init?: RequestInit) => fetch(server.url + path, { redirect: 'manual', ...init });

describe('the built server', () => {
  it('reports itself and its database healthy, uncached', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      status: 'ok',
      database: 'ok',
      migrations: MIGRATION_COUNT,
      mailViewer: { on: true, why: expect.stringContaining('from this machine only') },
    });
  });

  it('serves every article as a prerendered page with no script bundle', async () => {
    const response = await get('/articles/thank-you-note-within-24-hours');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeTruthy();
    const html = await response.text();
    expect(html).toContain('<h1>The Thank-You Note: Send It Within 24 Hours</h1>');
    // No bundle to download: the only scripts are structured data, the inline loaders of the
    // server islands (signed-in state, comments), the one-line view-count beacon and the comment
    // times' few lines.
    expect(html).not.toMatch(/<script\b[^>]*\bsrc=/);
    expect(html).not.toMatch(/<link[^>]+\.js/);
    const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(
      ([, attributes]) => !attributes!.includes('application/ld+json'),
    );
    // The beacon as Astro bundles it (minified, inlined as a module, hashed into the page's policy).
    // With the path goes only an email's campaign from the query, cut short to fit the endpoint's cap.
    const beacon =
      'var e=new URLSearchParams(location.search).get(`utm_campaign`);navigator.sendBeacon&&navigator.sendBeacon(`/api/views`,location.pathname+(e?`?utm_campaign=`+encodeURIComponent(e.slice(0,80)):``));';
    expect(inline.filter(([, , body]) => body!.trim() === beacon)).toHaveLength(1);
    // And the few lines that put a visitor's comment times in the browser's zone.
    const localTimes = (body: string) => body.includes('time[data-local-time]');
    expect(inline.filter(([, , body]) => localTimes(body!))).toHaveLength(1);
    expect(
      inline.every(
        ([, attributes, body]) =>
          /data-island-id|replaceServerIsland/.test(attributes! + body!) ||
          body!.trim() === beacon ||
          localTimes(body!),
      ),
    ).toBe(true);
  });

  it('sends security headers on rendered responses too', async () => {
    const response = await get('/search?q=note');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('redirects a trailing slash to the canonical address', async () => {
    const response = await get('/articles/thank-you-note-within-24-hours/?ref=x');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/articles/thank-you-note-within-24-hours?ref=x');
  });

  it('answers an unknown address with the 404 page and status 404', async () => {
    const response = await get('/articles/no-such-article');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('We could not find that page');
  });
});

describe('requests a form cannot make', () => {
  const post = (path: string, body: BodyInit | undefined, contentType?: string) =>
    get(path, {
      method: 'POST',
      headers: { origin: server.url, ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body === undefined ? {} : { body, duplex: 'half' as const }),
    });
  const FORM = 'application/x-www-form-urlencoded';

  // Each answered 500 before: Astro or the page showing the form threw reading the body.
  it.each([
    ['JSON to a page form', '/login?_action=auth.login', '{"email":"a@b.c"}', 'application/json', 415],
    ['broken JSON to a page form', '/login?_action=auth.login', '{bad', 'application/json', 415],
    ['text to a page form', '/login?_action=auth.login', 'email=a', 'text/plain', 415],
    ['no body and no type', '/login?_action=auth.login', undefined, undefined, 415],
    [
      'a multipart body that does not parse',
      '/login?_action=auth.login',
      'junk',
      'multipart/form-data; boundary=z',
      400,
    ],
    ['broken JSON to the RPC endpoint', '/_actions/auth.login', '{bad', 'application/json', 400],
    ['an action name Astro cannot decode', '/login?_action=%25E0%25A4%25A', 'a=1', FORM, 404],
    ['a domain for an action name', '/login?_action=auth', 'a=1', FORM, 404],
    ['a domain for an RPC name', '/_actions/auth', 'a=1', FORM, 404],
    ['a broken %-escape in an RPC name', '/_actions/%E0%A4%A', 'a=1', FORM, 400],
    [
      'a text body to a page that reads forms',
      '/articles/thank-you-note-within-24-hours/comments',
      'x',
      'text/plain',
      200,
    ],
  ])('answers %s with a 4xx, not a crash', async (_name, path, body, type, status) => {
    const response = await post(path, body, type);
    expect(response.status).toBe(status);
  });

  it('answers the RPC endpoint in the shape Astro’s Action client reads', async () => {
    const response = await post('/_actions/auth.login', 'not json', 'application/json');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ type: 'AstroActionError', code: 'BAD_REQUEST', status: 400 });
  });

  it('answers a body over 1 MB with 413 everywhere, with a Content-Length or streamed', async () => {
    const huge = `email=${'x'.repeat(1024 * 1024)}`;
    const streamed = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(huge));
          controller.close();
        },
      });
    for (const path of ['/login?_action=auth.login', '/_actions/auth.login', '/api/views', '/search']) {
      expect((await post(path, huge, FORM)).status, path).toBe(413);
      expect((await post(path, streamed(), FORM)).status, `${path}, streamed`).toBe(413);
    }
  });

  it('answers an address with a broken %-escape with 400, and logs no error for it', async () => {
    const before = server.output().length;
    for (const path of ['/tracker/o/%E0%A4%A', '/articles/%ZZ/comments', '/coach/members/%'])
      expect((await get(path)).status, path).toBe(400);
    expect(errorLines(server.output().slice(before))).toEqual([]);
  });
});

describe('search', () => {
  it('finds articles by words in their body and highlights them', async () => {
    const html = await (await get('/search?q=debrief')).text();
    expect(html).toMatch(/\d+ match(es)? for “debrief”/);
    expect(html).toContain('href="/articles/thank-you-note-within-24-hours"');
    expect(html).toMatch(/<mark>debrief/i);
  });

  it('ranks a title match first', async () => {
    const html = await (await get('/search?q=networking+call')).text();
    const first = /<li class="card result"[^>]*>\s*<h3[^>]*>\s*<a href="([^"]+)"/.exec(html);
    expect(first?.[1]).toBe('/articles/follow-up-after-networking-calls');
  });

  /** The articles a search lists, in order. */
  const results = async (query: string) =>
    [
      ...(await (await get(`/search?q=${encodeURIComponent(query)}`)).text()).matchAll(
        /<li class="card result"[^>]*>\s*<h3[^>]*>\s*<a href="([^"]+)"/g,
      ),
    ].map((match) => match[1]!);

  it('answers a natural question with the best matches for any of its words', async () => {
    const recruiter = await results('recruiter');
    expect(recruiter.length).toBeGreaterThan(0);
    const response = await get(`/search?q=${encodeURIComponent('recruiter ghosted me')}`);
    const html = await response.text();
    expect(html).not.toContain('No matches');
    expect(html).toContain('No article has every one of these words.');
    expect(html).toMatch(/\d+ match(es)? for “recruiter ghosted me”/);
    expect(new Set(await results('recruiter ghosted me'))).toEqual(new Set(recruiter));
    expect(html).toMatch(/<mark>recruiter/i);
  });

  it('ranks the articles with more of the words first when none has them all', async () => {
    const both = await results('recruiter debrief');
    const either = new Set([...(await results('recruiter')), ...(await results('debrief'))]);
    expect(both.length).toBeGreaterThan(0);
    expect(either.size).toBeGreaterThan(both.length);
    const ranked = await results('recruiter debrief xylophone');
    expect(new Set(ranked)).toEqual(either);
    expect(new Set(ranked.slice(0, both.length))).toEqual(new Set(both));
  });

  it('matches and highlights other forms of a word: "following" finds and marks "follow-up"', async () => {
    const html = await (await get('/search?q=following')).text();
    expect(html).toMatch(/\d+ match(es)? for “following”/);
    expect(html).toMatch(/<mark>follow<\/mark>-up/i);
  });

  it('says so plainly when nothing matches', async () => {
    const html = await (await get('/search?q=xylophone')).text();
    expect(html).toContain('No matches for “xylophone”');
  });

  it.each([
    ['a script tag', encodeURIComponent('<script>alert(1)</script>')],
    ['an attribute break-out', encodeURIComponent('"><img src=x onerror=alert(1)>')],
    ['FTS syntax', encodeURIComponent('NEAR( "unbalanced')],
    ['SQL', encodeURIComponent("' OR 1=1 --")],
    ['control characters', encodeURIComponent('\u0000\u0001\uFFFF')],
    ['bytes that are not UTF-8', '%ED%A0%80%FF%C0'],
    ['a 10,000-character query', 'x'.repeat(10_000)],
  ])('treats %s as text: 200, escaped, never markup', async (_name, encodedQuery) => {
    const response = await get(`/search?q=${encodedQuery}`);
    expect(response.status).toBe(200);
    // Outside quoted attribute values (where Astro escapes quotes) nothing typed may become a tag.
    const markup = (await response.text()).replace(/="[^"]*"/g, '=""');
    expect(markup).not.toContain('<script>alert(1)');
    expect(markup).not.toContain('<img src=x');
  });
});

describe('a start with bad configuration', () => {
  it.each([
    ['a malformed DATABASE_URL', { DATABASE_URL: 'not a url' }, /DATABASE_URL/],
    ['a busy timeout that is not a number', { DATABASE_BUSY_TIMEOUT_MS: 'soon' }, /DATABASE_BUSY_TIMEOUT_MS/],
    ['a PORT out of range', { PORT: '99999' }, /PORT must be a whole number/],
  ])('stops with a clear message for %s', async (_name, env, message) => {
    const result = await startExpectingFailure({ DATABASE_URL: freshDatabaseFile().url, ...env });
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(message);
  });
});
