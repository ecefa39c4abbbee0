/**
 * Signing in through the built server, as an attacker would try it (review "Safe in the open"):
 * a return path that leads off the site, a stranger locking the owner out from another network,
 * and password hashes made with old parameters. Networks are told apart by X-Forwarded-For, which
 * the server trusts here as it would behind a proxy.
 */
import { createHash } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { Browser as HttpBrowser, PASSWORD, signedUpMember } from '../setup/http-browser.ts';
import { hostileReturnPath, readsAsThisSite, REVIEWED_RETURN_PATHS } from '../fixtures/hostile-return-paths.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const visible = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/g, '');

beforeAll(async () => {
  server = await startMemberServer(database.url);
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

const base = () => server.url;
const member = (email: string) => signedUpMember(base, sql, email);
class Browser extends HttpBrowser {
  constructor() {
    super(base);
  }
}
/** Headers that put a request on a network of its own. */
const on = (network: string) => ({ 'x-forwarded-for': network });

const emailsTo = async (address: string) =>
  Number(
    (await sql.execute({ sql: 'SELECT count(*) AS n FROM outbox WHERE to_address = ?', args: [address] })).rows[0]![
      'n'
    ],
  );

describe('the return path after signing in', () => {
  /** `next` exactly as the review sent it, unencoded or encoded by hand. */
  const reviewedQueries = [
    'next=/.//evil.example',
    'next=/%2e//evil.example',
    'next=/a/..//evil.example',
    'next=%2F.%2F%2Fevil.example',
  ];
  const nexts = [...REVIEWED_RETURN_PATHS, ...fc.sample(hostileReturnPath, { numRuns: 150, seed: 20260514 })];
  const queries = [...reviewedQueries, ...nexts.map((next) => `next=${encodeURIComponent(next.toWellFormed())}`)];

  it('for a member already signed in, is a path on this site whatever `next` holds', async () => {
    const signedIn = await member('returning@example.com');
    for (const query of queries) {
      const response = await signedIn.get(`/login?${query}`);
      const location = response.headers.get('location') ?? '';
      expect(response.status, query).toBe(303);
      expect(readsAsThisSite(location), `${query} → Location: ${location}`).toBe(true);
    }
  });

  it('after the right password on the sign-in form, is a path on this site whatever `next` holds', async () => {
    await member('form@example.com');
    for (const query of queries.slice(0, 60)) {
      // A browser of its own each time: a network's 20 sign-ins in 15 minutes stay untouched.
      const response = await new Browser().post(`/login?${query}&_action=auth.login`, {
        email: 'form@example.com',
        password: PASSWORD,
      });
      const location = response.headers.get('location') ?? '';
      expect(response.status, query).toBe(303);
      expect(readsAsThisSite(location), `${query} → Location: ${location}`).toBe(true);
    }
  });

  it('brings a visitor sent from a protected page back to it, and only to it', async () => {
    await member('visitor@example.com');
    const visitor = new Browser();
    const sent = await visitor.get('/tracker?view=//evil.example');
    expect(sent.headers.get('location')).toBe('/login?next=%2Ftracker%3Fview%3D%2F%2Fevil.example');
    const back = await visitor.post(`${sent.headers.get('location')}&_action=auth.login`, {
      email: 'visitor@example.com',
      password: PASSWORD,
    });
    expect(back.headers.get('location')).toBe('/tracker?view=//evil.example');
    expect(readsAsThisSite(back.headers.get('location')!)).toBe(true);
  });
});

describe('a stranger trying an address', () => {
  it('from one network does not stop its owner on another, and is stopped', async () => {
    const owner = 'owner@example.com';
    await member(owner);
    const [strangers, home] = [on('203.0.113.7'), on('203.0.113.8')];
    // Twelve wrong passwords: eight are checked, then the stranger's network is refused.
    for (let guess = 1; guess <= 12; guess++) {
      const response = await new Browser().post(
        '/login?_action=auth.login',
        { email: owner, password: `guess number ${guess}` },
        strangers,
      );
      expect(response.status, `guess ${guess}`).toBe(guess <= 8 ? 401 : 429);
    }
    for (let request = 1; request <= 3; request++) {
      const link = await new Browser().post('/login?_action=auth.loginLink', { email: owner }, strangers);
      expect(link.status, `link request ${request}`).toBe(200);
    }
    const emailed = await emailsTo(owner);

    const signIn = await new Browser().post('/login?_action=auth.login', { email: owner, password: PASSWORD }, home);
    expect(signIn.status).toBe(303);
    const link = await new Browser().post('/login?_action=auth.loginLink', { email: owner }, home);
    expect(visible(await link.text())).toContain('a sign-in link is on its way');
    const reset = await new Browser().post('/auth/forgot?_action=auth.forgotPassword', { email: owner }, home);
    expect(visible(await reset.text())).toContain('a reset link is on its way');
    expect(await emailsTo(owner)).toBe(emailed + 2);

    // The stranger's network is still refused, even the right password (it could be a good guess).
    for (const password of ['guess number 13', PASSWORD]) {
      const again = await new Browser().post('/login?_action=auth.login', { email: owner, password }, strangers);
      expect(again.status).toBe(429);
      expect(visible(await again.text())).toMatch(
        /Too many sign-in attempts for this address\. .*please wait \d+ minutes?/,
      );
    }
  });

  it('from many networks is stopped after 50 wrong passwords in 15 minutes', async () => {
    const target = 'many-networks@example.com';
    await member(target);
    for (let network = 1; network <= 50; network++) {
      const response = await new Browser().post(
        '/login?_action=auth.login',
        { email: target, password: `guess number ${network}` },
        on(`192.0.2.${network}`),
      );
      expect(response.status, `network ${network}`).toBe(401);
    }
    const refused = await new Browser().post(
      '/login?_action=auth.login',
      { email: target, password: 'guess number 51' },
      on('192.0.2.51'),
    );
    expect(refused.status).toBe(429);
    expect(visible(await refused.text())).toContain('Too many sign-in attempts for this address.');
  });

  it('never uses up the limits with the owner’s own right passwords', async () => {
    const owner = 'often@example.com';
    await member(owner);
    const home = on('203.0.113.30');
    // More sign-ins than any address limit allows failures, from one network: within its 20.
    for (let visit = 1; visit <= 12; visit++) {
      const signIn = await new Browser().post('/login?_action=auth.login', { email: owner, password: PASSWORD }, home);
      expect(signIn.status, `sign-in ${visit}`).toBe(303);
    }
  });

  it('leaves no counter about the address once its account is deleted', async () => {
    const leaving = 'counted@example.com';
    const browser = await member(leaving);
    for (const network of ['203.0.113.50', '203.0.113.51'])
      await new Browser().post('/login?_action=auth.login', { email: leaving, password: 'a wrong guess' }, on(network));
    await new Browser().post('/login?_action=auth.loginLink', { email: leaving }, on('203.0.113.50'));
    const address = createHash('sha256').update(leaving).digest('hex');
    const counters = async () =>
      (await sql.execute({ sql: 'SELECT key FROM rate_limits WHERE key LIKE ?', args: [`%${address}%`] })).rows.length;
    expect(await counters()).toBeGreaterThanOrEqual(5);
    const deleted = await browser.post('/account?_action=account.deleteAccount', {
      password: PASSWORD,
      confirmText: 'DELETE',
    });
    expect(deleted.status).toBe(303);
    expect(await counters()).toBe(0);
  });

  it('gets at most 3 emails an hour sent to an address from one network, 10 from all networks', async () => {
    const flooded = 'flooded@example.com';
    await member(flooded);
    expect(await emailsTo(flooded), 'the verification email').toBe(1);
    const requests = [
      ['/login?_action=auth.loginLink', 200],
      ['/auth/forgot?_action=auth.forgotPassword', 200],
      ['/signup?_action=auth.signup', 200],
      ['/auth/forgot?_action=auth.forgotPassword', 429],
      ['/login?_action=auth.loginLink', 429],
    ] as const;
    for (const [path, status] of requests) {
      const response = await new Browser().post(
        path,
        { email: flooded, password: 'yet another phrase' },
        on('203.0.113.40'),
      );
      expect(response.status, path).toBe(status);
      if (status === 429) expect(visible(await response.text())).toContain('Too many emails to this address.');
    }
    expect(await emailsTo(flooded)).toBe(4);
    for (let network = 41; network <= 46; network++) {
      const response = await new Browser().post(
        '/login?_action=auth.loginLink',
        { email: flooded },
        on(`203.0.113.${network}`),
      );
      expect(response.status, `network ${network}`).toBe(200);
    }
    const ceiling = await new Browser().post('/login?_action=auth.loginLink', { email: flooded }, on('203.0.113.47'));
    expect(ceiling.status).toBe(429);
    expect(await emailsTo(flooded)).toBe(10);
  });
});

describe('a password hash made with old parameters', () => {
  it('is made again with the current ones at the next right sign-in, and not at a wrong one', async () => {
    const email = 'old-hash@example.com';
    await member(email);
    const stored = async () =>
      String(
        (await sql.execute({ sql: 'SELECT password_hash FROM users WHERE email = ?', args: [email] })).rows[0]![
          'password_hash'
        ],
      );
    // What @node-rs/argon2's defaults gave in earlier versions.
    const old = await hash(PASSWORD, { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    await sql.execute({ sql: 'UPDATE users SET password_hash = ? WHERE email = ?', args: [old, email] });

    const wrong = await new Browser().post('/login?_action=auth.login', { email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(await stored()).toBe(old);

    const right = await new Browser().post('/login?_action=auth.login', { email, password: PASSWORD });
    expect(right.status).toBe(303);
    const rehashed = await stored();
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const again = await new Browser().post('/login?_action=auth.login', { email, password: PASSWORD });
    expect(again.status).toBe(303);
    expect(await stored()).toBe(rehashed);
  });
});
