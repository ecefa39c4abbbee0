/**
 * Signing in through the built server, as an attacker would try it (review "Safe in the open"):
 * a return path that leads off the site, and password hashes made with old parameters.
 */
import { hash } from '@node-rs/argon2';
import { createClient } from '@libsql/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMemberServer, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile } from '../setup/test-database.ts';
import { Browser as HttpBrowser, PASSWORD, signedUpMember } from '../setup/http-browser.ts';
import { hostileReturnPath, readsAsThisSite, REVIEWED_RETURN_PATHS } from '../fixtures/hostile-return-paths.ts';

let server: RunningServer;
const database = freshDatabaseFile();
const sql = createClient({ url: database.url });

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
