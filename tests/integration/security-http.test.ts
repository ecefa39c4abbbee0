/**
 * The headers every response carries and the request-size limit, through HTTP on the built
 * server: each page's Content-Security-Policy is strict (no inline code but what the build made,
 * nothing from other origins, no framing), and the page itself satisfies it (every inline script
 * and style it contains is one the policy names by hash). Bodies over 1 MB are refused with 413,
 * announced or streamed, and nothing is written.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, interviewForm, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { startMemberServer, type RunningServer, errorLines } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
let member: Browser;
let coach: Browser;
let entryPath = '';
let memberId = '';

beforeAll(async () => {
  server = await startMemberServer(database.url);
  member = await signedUpMember(base, sql, 'headers-member@example.com');
  coach = await signedUpCoach(base, sql, 'headers-coach@example.com');
  const created = await member.post('/tracker/new?_action=tracker.create', interviewForm());
  expect(created.status).toBe(303);
  entryPath = created.headers.get('location')!.split('?')[0]!;
  memberId = String(
    (await sql.execute("SELECT id FROM users WHERE email = 'headers-member@example.com'")).rows[0]!['id'],
  );
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

/** The policy's sources for a directive, e.g. sources(policy, 'script-src'). */
function sources(policy: string, directive: string): string[] | undefined {
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name === directive) return values;
  }
  return undefined;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Inline code the browser would run or apply: scripts without src (not JSON data) and style elements. */
function inlineCode(html: string): { scripts: string[]; styles: string[] } {
  const scripts = [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)]
    .filter(([, attributes = '']) => !/\ssrc=/.test(attributes) && !/type="application\/(ld\+)?json"/.test(attributes))
    .map(([, , body]) => body!);
  const styles = [...html.matchAll(/<style(\s[^>]*)?>([\s\S]*?)<\/style>/g)].map(([, , body]) => body!);
  return { scripts, styles };
}

function expectStrictPolicyTheyMeet(path: string, response: Response, html: string): void {
  const policy = response.headers.get('content-security-policy') ?? '';
  const context = `${path}: ${policy}`;
  expect(sources(policy, 'default-src'), context).toEqual(["'self'"]);
  expect(sources(policy, 'object-src'), context).toEqual(["'none'"]);
  expect(sources(policy, 'frame-ancestors'), context).toEqual(["'none'"]);
  expect(sources(policy, 'base-uri'), context).toEqual(["'self'"]);
  expect(sources(policy, 'form-action')?.[0], context).toBe("'self'");
  const scriptSources = sources(policy, 'script-src') ?? [];
  const styleSources = sources(policy, 'style-src') ?? [];
  expect(scriptSources[0], context).toBe("'self'");
  for (const source of [...scriptSources, ...styleSources]) {
    expect(source, context).toMatch(/^'self'$|^'sha256-[A-Za-z0-9+/]+=*'$/);
  }
  // Inline event handlers and style attributes would need 'unsafe-inline': none may appear.
  expect(html.match(/<[^>]+\s(on[a-z]+|style)=/gi) ?? [], `${path}: inline attributes`).toEqual([]);
  const { scripts, styles } = inlineCode(html);
  for (const script of scripts)
    expect(scriptSources, `${path}: inline script ${script.slice(0, 80)}`).toContain(sha256(script));
  for (const style of styles)
    expect(styleSources, `${path}: inline style ${style.slice(0, 80)}`).toContain(sha256(style));
}

function expectCommonHeaders(path: string, response: Response): void {
  expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
  // Pages reached by a one-time link (tokens in the address) send no referrer at all.
  expect(['strict-origin-when-cross-origin', 'no-referrer'], path).toContain(response.headers.get('referrer-policy'));
  expect(response.headers.get('x-frame-options'), path).toBe('DENY');
  expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
  // The site is served over plain HTTP in tests: HSTS only goes out for an https:// site.
  expect(response.headers.get('strict-transport-security'), path).toBeNull();
}

async function sitemapPaths(): Promise<string[]> {
  const index = await (await fetch(`${server.url}/sitemap-0.xml`)).text();
  return [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map(([, loc]) => new URL(loc!).pathname);
}

describe('every page has a strict Content-Security-Policy that it satisfies', () => {
  it('on every public page a visitor reads', async () => {
    const paths = [
      ...(await sitemapPaths()),
      '/search?q=thank',
      '/login',
      '/signup',
      '/auth/forgot',
      '/cheat-sheet/link-expired',
      '/unsubscribe?token=nonsense',
      '/articles/no-such-article',
      '/articles/thank-you-note-within-24-hours/comments',
      '/auth/reset?token=nonsense',
      '/auth/verify?token=nonsense',
      '/auth/link?token=nonsense',
      '/email/off?token=nonsense',
      '/cheat-sheet/confirm?token=nonsense',
      '/pricing/canceled',
    ];
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const response = await fetch(server.url + path);
      expect(response.status, path).toBeLessThan(500);
      const html = await response.text();
      expectCommonHeaders(path, response);
      expectStrictPolicyTheyMeet(path, response, html);
    }
  });

  it('on the pages of a member and of the coach, rendered for them', async () => {
    const pages: [Browser, string][] = [
      [member, '/tracker'],
      [member, `${entryPath}/edit`],
      [member, '/tracker/data'],
      [member, '/articles/thank-you-note-within-24-hours/comments'],
      [member, '/tracker/new'],
      [member, entryPath],
      [member, '/tracker/board'],
      [member, '/tracker/stats'],
      [member, '/account'],
      [member, '/community'],
      [member, '/pricing'],
      [coach, '/coach'],
      [coach, '/coach/members'],
      [coach, '/coach/leads'],
      [coach, '/coach/comments'],
      [coach, '/coach/reviews'],
      [coach, '/coach/email/sequence'],
      [coach, `/coach/members/${memberId}`],
    ];
    for (const [browser, path] of pages) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expectCommonHeaders(path, response);
      expectStrictPolicyTheyMeet(path, response, await response.text());
    }
  });

  it('a page that sends its form on to Stripe widens form-action only', async () => {
    const policy = (await member.get('/pricing')).headers.get('content-security-policy')!;
    expect(sources(policy, 'form-action')).toEqual([
      "'self'",
      'https://checkout.stripe.com',
      'https://billing.stripe.com',
    ]);
    expect(sources((await member.get('/tracker')).headers.get('content-security-policy')!, 'form-action')).toEqual([
      "'self'",
    ]);
  });

  it('responses that are not pages carry the same protections', async () => {
    for (const [browser, path] of [
      [new Browser(base), '/rss.xml'],
      [new Browser(base), '/healthz'],
      [new Browser(base), '/favicon.svg'],
      [member, '/tracker/export.json'],
      [member, '/account/export.json'],
      [coach, '/coach/members.csv'],
    ] as const) {
      const response = await browser.get(path);
      expect(response.status, path).toBe(200);
      expectCommonHeaders(path, response);
    }
  });
});

describe('request bodies over 1 MB', () => {
  const oversized = 'a'.repeat(1024 * 1024 + 1);
  const count = async (table: string) =>
    Number((await sql.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]!['n']);

  /** Posts with a Content-Length, or as a stream with none (chunked), as a client may. */
  async function post(path: string, streamed: boolean) {
    const body = `email=big%40example.com&password=${oversized}`;
    return fetch(server.url + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        cookie: member.cookie,
        'x-forwarded-for': '203.0.113.77',
      },
      body: streamed
        ? new ReadableStream({
            start(controller) {
              for (let at = 0; at < body.length; at += 65_536)
                controller.enqueue(new TextEncoder().encode(body.slice(at, at + 65_536)));
              controller.close();
            },
          })
        : body,
      ...(streamed ? { duplex: 'half' } : {}),
    } as RequestInit);
  }

  for (const streamed of [false, true]) {
    it(`are refused with 413 and a clear message ${streamed ? 'when streamed without a length' : 'when announced'}`, async () => {
      const before = {
        users: await count('users'),
        entries: await count('opportunities'),
        leads: await count('leads'),
      };
      for (const path of [
        '/signup?_action=auth.signup',
        '/_actions/auth.signup',
        '/tracker/new?_action=tracker.create',
        '/cheat-sheet?_action=leads.capture',
        '/api/views',
      ]) {
        const response = await post(path, streamed);
        expect(response.status, path).toBe(413);
        if (path !== '/api/views')
          expect(await response.text(), path).toContain('larger than this site accepts (1 MB)');
      }
      expect({
        users: await count('users'),
        entries: await count('opportunities'),
        leads: await count('leads'),
      }).toEqual(before);
      expect((await member.get('/tracker')).status).toBe(200);
      expect(server.output()).not.toMatch(/Body size limit exceeded/);
      expect(errorLines(server.output())).toEqual([]);
    });
  }
});
