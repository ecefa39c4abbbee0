/**
 * `npm run smoke -- <base-url>`: after a deploy, is the site up as readers and members use it?
 *
 *   1. GET /healthz answers 200 with the database ok;
 *   2. the article index lists articles, and the first one opens (200, a page with its title);
 *   3. a member signs in with SMOKE_EMAIL and SMOKE_PASSWORD (an account kept for this check),
 *      their account page shows them signed in, and they sign out again (the session is ended,
 *      so checks leave nothing behind). Without those two variables this check is skipped and
 *      says so.
 *
 * One line per check (`ok`, `FAIL` or `skip`) and exit code 1 if any failed. Point it at the public
 * address, or at one instance directly (each check is a plain request from this machine; rate
 * limits allow a sign-in every few minutes per address).
 */

import { argv, env, exit } from 'node:process';

const TIMEOUT_MS = Number(env.SMOKE_TIMEOUT_MS ?? 10_000);
const argument = argv.slice(2).find((arg) => !arg.startsWith('-'));
if (!argument || !URL.canParse(argument) || !/^https?:$/.test(new URL(argument).protocol)) {
  console.error('Usage: npm run smoke -- <base-url>   e.g. npm run smoke -- https://ownthefollowup.com');
  exit(2);
}
const base = new URL(argument).origin;

type Check = () => Promise<string>;
/** A check's outcome that is neither a pass nor a failure. */
class Skipped extends Error {}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { redirect: 'manual', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

function postForm(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(base + path, {
    method: 'POST',
    redirect: 'manual',
    // Our cross-site check wants to see the site's own origin on a form post, as a browser sends it.
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...headers },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

async function expectStatus(response: Response, status: number, what: string): Promise<void> {
  if (response.status === status) return;
  const body = (await response.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 160);
  throw new Error(`${what} answered ${response.status}, not ${status}${body ? `: ${body}` : ''}`);
}

const health: Check = async () => {
  const response = await get('/healthz');
  await expectStatus(response, 200, '/healthz');
  const report = (await response.json()) as { status?: string; database?: string; migrations?: number };
  if (report.status !== 'ok' || report.database !== 'ok') throw new Error(`/healthz says ${JSON.stringify(report)}`);
  return `/healthz: database ok, ${report.migrations} migrations`;
};

const article: Check = async () => {
  const index = await get('/articles');
  await expectStatus(index, 200, '/articles');
  const slug = /href="\/articles\/(?!page\/)([a-z0-9-]+)"/.exec(await index.text())?.[1];
  if (!slug) throw new Error('/articles lists no article');
  const path = `/articles/${slug}`;
  const page = await get(path);
  await expectStatus(page, 200, path);
  const html = await page.text();
  const title = /<h1[^>]*>([\s\S]*?)<\/h1>/
    .exec(html)?.[1]
    ?.replace(/<[^>]+>/g, '')
    .trim();
  if (!title) throw new Error(`${path} has no title (h1)`);
  return `article ${path}: "${title}", ${Math.round(html.length / 1024)} KiB`;
};

const signedIn: Check = async () => {
  const email = env.SMOKE_EMAIL;
  const password = env.SMOKE_PASSWORD;
  if (!email || !password) {
    throw new Skipped('signed-in page: set SMOKE_EMAIL and SMOKE_PASSWORD to a member account kept for this check');
  }
  const login = await postForm('/login?next=%2Faccount&_action=auth.login', { email, password });
  const cookie = login.headers
    .getSetCookie()
    .map((set) => set.split(';')[0]!)
    .find((pair) => pair.startsWith('session=') && pair.length > 'session='.length);
  if (login.status !== 303 || !cookie) {
    const page = await login.text().catch(() => '');
    const message = /role="alert"[^>]*>([\s\S]*?)</.exec(page)?.[1]?.trim();
    throw new Error(`sign-in as ${email} refused (${login.status})${message ? `: ${message}` : ''}`);
  }
  try {
    const account = await get('/account', { cookie });
    await expectStatus(account, 200, '/account signed in');
    if (!(await account.text()).toLowerCase().includes(email.toLowerCase())) {
      throw new Error(`/account does not show ${email} signed in`);
    }
  } finally {
    const logout = await postForm('/logout?_action=auth.logout', {}, { cookie });
    if (logout.status !== 303)
      console.error(`note: signing out answered ${logout.status}; the session stays until it expires`);
  }
  return `signed in as ${email}: /account shows the member; signed out`;
};

const checks: [string, Check][] = [
  ['health', health],
  ['article', article],
  ['signed-in page', signedIn],
];

let failed = 0;
console.log(`Smoke check of ${base}`);
for (const [name, check] of checks) {
  try {
    console.log(`ok    ${await check()}`);
  } catch (error) {
    if (error instanceof Skipped) {
      console.log(`skip  ${error.message}`);
      continue;
    }
    failed++;
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    const reason = error instanceof Error ? error.message : String(error);
    const unreachable = error instanceof TypeError || (error instanceof Error && error.name === 'TimeoutError');
    console.log(`FAIL  ${name}: ${unreachable ? `could not reach ${base}: ${reason}${cause}` : reason}`);
  }
}
console.log(failed === 0 ? 'Smoke check passed.' : `Smoke check FAILED: ${failed} of ${checks.length} checks.`);
exit(failed === 0 ? 0 : 1);
