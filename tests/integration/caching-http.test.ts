/**
 * No response that a shared cache (a CDN in front of the site) may store carries a cookie: one
 * member's renewed session must never be handed to the next visitor. Every route in src/pages and
 * every server island is asked on the built server with a fresh session, a session due for its
 * sliding renewal (which the answer sets again) and an unknown one (which the answer clears), and
 * so are the Actions that sign in and out. Any answer with Set-Cookie must be private or no-store
 * and never public or s-maxage; any rendered answer a shared cache may store must vary on Cookie,
 * since every rendered request is read with its cookies; prerendered files never set a cookie.
 */
import { SESSIONLESS_PATHS } from '../../src/lib/http/sessionless-paths.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, interviewForm, PASSWORD, signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { routesInSource, serverIslandsInSource } from '../setup/source-inventory.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const DAY = 86_400_000;
/** The coach's name, which no response a shared cache may keep should show. */
const NAME = 'Quillon Marchetti';
const COACH_EMAIL = 'caching-coach@example.com';
let coach: Browser;
let sessionId = '';
let entryPath = '';
let memberId = '';
const ARTICLE = '/articles/thank-you-note-within-24-hours';

beforeAll(async () => {
  server = await startMemberServer(database.url);
  coach = await signedUpCoach(base, sql, COACH_EMAIL);
  await sql.execute({ sql: 'UPDATE users SET name = ? WHERE email = ?', args: [NAME, COACH_EMAIL] });
  sessionId = coach.cookie.slice('session='.length).split('.')[0]!;
  const created = await coach.post('/tracker/new?_action=tracker.create', interviewForm());
  expect(created.status).toBe(303);
  entryPath = created.headers.get('location')!.split('?')[0]!;
  await signedUpMember(base, sql, 'caching-member@example.com');
  memberId = String(
    (await sql.execute("SELECT id FROM users WHERE email = 'caching-member@example.com'")).rows[0]!['id'],
  );
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

/** How each route is asked for: a path for its parameters, and the method when it is not GET. */
function requestFor(route: string): { path: string; method?: 'POST'; body?: string } | undefined {
  const requests: Record<string, { path: string; method?: 'POST'; body?: string }> = {
    '/articles/[slug]': { path: ARTICLE },
    '/articles/[slug]/comments': { path: `${ARTICLE}/comments` },
    '/articles/page/[page]': { path: '/articles/page/2' },
    '/tags/[tag]': { path: '/tags/persistence' },
    '/coach/members/[id]': { path: `/coach/members/${memberId}` },
    '/coach/reviews/[id]': { path: '/coach/reviews/no-such-review' },
    '/coach/email/[id]': { path: '/coach/email/new' },
    '/coach/email/sequence/[id]': { path: '/coach/email/sequence/thank-you-in-practice' },
    '/dev/mail/[id]': { path: '/dev/mail/1' },
    '/tracker/calendar/[token].ics': { path: '/tracker/calendar/no-such-feed-address.ics' },
    '/tracker/o/[id]': { path: entryPath },
    '/tracker/o/[id]/edit': { path: `${entryPath}/edit` },
    '/auth/link': { path: '/auth/link?token=nonsense' },
    '/auth/reset': { path: '/auth/reset?token=nonsense' },
    '/auth/verify': { path: '/auth/verify?token=nonsense' },
    '/cheat-sheet/confirm': { path: '/cheat-sheet/confirm?token=nonsense' },
    '/cheat-sheet/download': { path: '/cheat-sheet/download?token=nonsense' },
    '/cheat-sheet/first-page-[width].webp': { path: '/cheat-sheet/first-page-360.webp' },
    '/email/off': { path: '/email/off?token=nonsense' },
    '/unsubscribe': { path: '/unsubscribe?token=nonsense' },
    '/search': { path: '/search?q=thank' },
    '/pricing/success': { path: '/pricing/success?session_id=cs_test_nope' },
    '/api/views': { path: '/api/views', method: 'POST', body: ARTICLE },
    '/api/stripe/webhook': { path: '/api/stripe/webhook', method: 'POST', body: '{}' },
    '/api/resend/webhook': { path: '/api/resend/webhook', method: 'POST', body: '{}' },
  };
  if (requests[route]) return requests[route];
  return route.includes('[') ? undefined : { path: route };
}

type SessionKind = 'fresh' | 'due for renewal' | 'unknown';
const KINDS: SessionKind[] = ['fresh', 'due for renewal', 'unknown'];

/** The coach's cookie as it is for this kind: the session's expiry is set just before each request. */
async function cookieFor(kind: SessionKind): Promise<string> {
  if (kind === 'unknown') return 'session=no-such-session.not-its-secret';
  // Renewed when less than half of its 30 days is left.
  const expiresAt = Date.now() + (kind === 'fresh' ? 29 : 10) * DAY;
  await sql.execute({ sql: 'UPDATE sessions SET expires_at = ? WHERE id = ?', args: [expiresAt, sessionId] });
  return coach.cookie;
}

interface Asked {
  what: string;
  response: Response;
  body: string;
  rendered: boolean;
}

async function ask(
  what: string,
  request: { path: string; method?: 'POST'; body?: string },
  cookie: string,
  rendered: boolean,
): Promise<Asked> {
  const response = await fetch(server.url + request.path, {
    method: request.method ?? 'GET',
    redirect: 'manual',
    headers: {
      cookie,
      'x-forwarded-for': '198.51.100.240',
      ...(request.method ? { origin: server.url, 'content-type': 'text/plain' } : {}),
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { what, response, body: await response.text(), rendered };
}

const directives = (response: Response) =>
  (response.headers.get('cache-control') ?? '')
    .toLowerCase()
    .split(',')
    .map((part) => part.trim());

/** What is wrong with an answer, as far as shared caches go. */
function problems({ what, response, body, rendered }: Asked): string[] {
  const found: string[] = [];
  const cacheControl = directives(response);
  const storable = !cacheControl.includes('private') && !cacheControl.includes('no-store');
  const setsCookie = response.headers.getSetCookie().length > 0;
  if (setsCookie) {
    if (storable) found.push(`${what}: sets a cookie with Cache-Control "${response.headers.get('cache-control')}"`);
    if (cacheControl.includes('public') || cacheControl.some((directive) => directive.startsWith('s-maxage')))
      found.push(`${what}: sets a cookie and says public or s-maxage`);
    for (const header of ['cdn-cache-control', 'surrogate-control', 'cloudflare-cdn-cache-control'])
      if (response.headers.has(header)) found.push(`${what}: sets a cookie and has ${header}`);
  }
  if (!rendered && setsCookie) found.push(`${what}: a prerendered file sets a cookie`);
  const varies = /(^|,)\s*cookie\s*(,|$)/i.test(response.headers.get('vary') ?? '');
  if (rendered && storable && !varies)
    found.push(`${what}: a shared cache may keep it, and it does not vary on Cookie`);
  if (storable && !varies && (body.includes(NAME) || body.includes(COACH_EMAIL)))
    found.push(`${what}: shows the member to whoever the cache answers next`);
  return found;
}

/** The server islands' addresses, as the pages that hold them ask for them. */
async function islandPaths(): Promise<Map<string, string>> {
  const islands = new Map<string, string>();
  for (const page of ['/', '/articles', ARTICLE, '/articles/final-round-follow-up-playbook']) {
    const html = await (await fetch(server.url + page)).text();
    for (const [, path, name] of html.matchAll(/["'](\/_server-islands\/(\w+)\?[^"']*)["']/g))
      if (!islands.has(name!)) islands.set(name!, path!.replaceAll('&amp;', '&'));
  }
  return islands;
}

describe('no shared cache is handed a cookie', () => {
  it('the comment count and the community page, with a session due for renewal, are private', async () => {
    const islands = await islandPaths();
    for (const path of ['/community', islands.get('CommentCount')!]) {
      const { response } = await ask(path, { path }, await cookieFor('due for renewal'), true);
      expect(response.headers.getSetCookie().join(), path).toMatch(/^session=/);
      expect(response.headers.get('cache-control'), path).toBe('private, no-store');
    }
  });

  it('on every route and server island, with a fresh, a renewed and an unknown session', async () => {
    const routes = routesInSource();
    const unasked = routes.filter(({ route }) => !requestFor(route)).map(({ route }) => route);
    expect(unasked, 'give each new route with parameters a request in requestFor').toEqual([]);
    const islands = await islandPaths();
    expect([...islands.keys()].sort(), 'every server island is found on the pages asked').toEqual(
      serverIslandsInSource(),
    );

    const targets = [
      ...routes.map(({ route, prerendered }) => ({ what: route, request: requestFor(route)!, rendered: !prerendered })),
      ...[...islands].map(([name, path]) => ({ what: `island ${name}`, request: { path }, rendered: true })),
    ];
    const found: string[] = [];
    let cookiesSet = 0;
    for (const kind of KINDS) {
      for (const { what, request, rendered } of targets) {
        const asked = await ask(`${what} (${kind} session)`, request, await cookieFor(kind), rendered);
        expect(asked.response.status, asked.what).toBeLessThan(500);
        found.push(...problems(asked));
        if (asked.response.headers.getSetCookie().length > 0) cookiesSet++;
        // Every rendered answer renews a session due for it and clears an unknown one, except on the
        // machine endpoints, which never touch a session.
        const sessionless = SESSIONLESS_PATHS.has(request.path.split('?')[0]!);
        if (sessionless) expect(asked.response.headers.getSetCookie(), asked.what).toEqual([]);
        else if (rendered && kind !== 'fresh')
          expect(asked.response.headers.getSetCookie().join(), asked.what).toMatch(/^session=/);
        if (kind === 'fresh') expect(asked.response.headers.getSetCookie(), asked.what).toEqual([]);
      }
    }
    expect(found).toEqual([]);
    // Renewed and cleared on every rendered answer: the cases above were all reached.
    const touchingSessions = targets.filter(
      ({ rendered, request }) => rendered && !SESSIONLESS_PATHS.has(request.path.split('?')[0]!),
    );
    expect(cookiesSet).toBe(2 * touchingSessions.length);
  });

  it('on the Actions that sign in and out', async () => {
    const browser = new Browser(base);
    const signIn = await browser.post('/login?_action=auth.login', { email: COACH_EMAIL, password: PASSWORD });
    const signOut = await browser.post('/logout?_action=auth.logout', {});
    const visitor = new Browser(base);
    await visitor.post('/login?_action=auth.login', { email: COACH_EMAIL, password: PASSWORD });
    const signOutRpc = await visitor.post('/_actions/auth.logout', {});
    const found: string[] = [];
    for (const [what, response] of [
      ['sign in', signIn],
      ['sign out', signOut],
      ['sign out through /_actions/', signOutRpc],
    ] as const) {
      expect(response.headers.getSetCookie().join(), what).toMatch(/^session=/);
      found.push(...problems({ what, response, body: await response.text(), rendered: true }));
    }
    expect(found).toEqual([]);
  });
});
