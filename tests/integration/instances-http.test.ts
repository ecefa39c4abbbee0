/**
 * Two app instances (two processes of the built server) on one database, as behind a load
 * balancer: both run their background jobs, both deliver the outbox through the real Resend SDK
 * to a local fake, and readers' captures arrive at either. Every message reaches the provider
 * once; a reader signed in on one instance is signed in on the other; a rate limit counted on one
 * holds on the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { deliveringEnv, startMemberServer, type RunningServer, errorLines } from '../setup/built-server.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

const database = freshDatabaseFile();
const sql = testClient(database.url);
let resend: FakeResend;
const instances: RunningServer[] = [];

beforeAll(async () => {
  resend = await startFakeResend();
  for (let n = 0; n < 2; n++) {
    instances.push(await startMemberServer(database.url, deliveringEnv(resend)));
  }
});
afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await resend.close();
  sql.close();
});

const count = async (query: string) => Number((await sql.execute(query)).rows[0]!['n']);

describe('two instances on one database', () => {
  it('deliver every queued email exactly once between them, whichever took the request', async () => {
    const readers = Array.from({ length: 24 }, (_, n) => ({
      email: `reader${n}@instances.example`,
      browser: new Browser(() => instances[n % 2]!.url),
    }));
    await Promise.all(
      readers.map(async ({ email, browser }) => {
        const capture = await browser.post('/cheat-sheet?_action=leads.capture', {
          email,
          consent: 'on',
          sourcePath: '/articles/thank-you-note-within-24-hours',
          sourceArticle: 'thank-you-note-within-24-hours',
        });
        expect(capture.status).toBe(303);
      }),
    );
    expect(await count("SELECT count(*) AS n FROM leads WHERE email LIKE '%@instances.example'")).toBe(24);
    // Both instances deliver every 2 s; wait until the outbox is empty.
    await expect
      .poll(() => count("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'"), { timeout: 20_000, interval: 250 })
      .toBe(0);
    const delivered = resend.deliveries.filter((delivery) => delivery.to[0]!.endsWith('@instances.example'));
    expect(delivered).toHaveLength(24);
    expect(new Set(delivered.map((delivery) => delivery.to[0])).size).toBe(24);
    expect(resend.repeated).toBe(0);
    for (const instance of instances) expect(errorLines(instance.output())).toEqual([]);
  });

  it('share sessions: signed in through one, signed in on the other; signed out on one, out on both', async () => {
    const member = await signedUpMember(() => instances[0]!.url, sql, 'both@instances.example');
    const other = new Browser(() => instances[1]!.url);
    other.cookie = member.cookie;
    expect((await other.get('/tracker')).status).toBe(200);
    expect((await member.post('/logout?_action=auth.logout', {})).status).toBe(303);
    expect((await other.get('/tracker')).status).toBe(303);
  });

  it('share rate limits: ten captures from one network, then the eleventh is refused on either', async () => {
    const network = '203.0.113.99';
    for (let n = 0; n < 10; n++) {
      const browser = new Browser(() => instances[n % 2]!.url);
      const capture = await browser.post(
        '/cheat-sheet?_action=leads.capture',
        { email: `limit${n}@instances.example`, consent: 'on' },
        { 'x-forwarded-for': network },
      );
      expect(capture.status).toBe(303);
    }
    for (const instance of instances) {
      const refused = await new Browser(() => instance.url).post(
        '/cheat-sheet?_action=leads.capture',
        { email: 'one-too-many@instances.example', consent: 'on' },
        { 'x-forwarded-for': network },
      );
      expect(refused.status).toBe(429);
    }
  });
});
