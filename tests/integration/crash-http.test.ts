/**
 * The server killed with SIGKILL while readers and a member write, then started again on the same
 * database: every write it acknowledged is there, the database passes its integrity check, and
 * every queued email reaches the provider exactly once after the restart. (`npm run load --
 * --faults` does the same at length, with an email outage too.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { deliveringEnv, startMemberServer, type RunningServer, errorLines } from '../setup/built-server.ts';
import { Browser, interviewForm, signedUpMember } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

const database = freshDatabaseFile();
const sql = testClient(database.url);
let resend: FakeResend;
let server: RunningServer;

const start = () => startMemberServer(database.url, deliveringEnv(resend));

beforeAll(async () => {
  resend = await startFakeResend();
  server = await start();
});
afterAll(async () => {
  await server.stop();
  await resend.close();
  sql.close();
});

const count = async (query: string, args: string[] = []) =>
  Number((await sql.execute({ sql: query, args })).rows[0]!['n']);

describe('a crash in the middle of writes', () => {
  it('loses no acknowledged write, leaves the database whole, and sends each queued email once', async () => {
    const member = await signedUpMember(() => server.url, sql, 'crash@example.com');
    const acknowledgedLeads: string[] = [];
    const acknowledgedEntries: string[] = [];
    let stop = false;

    /** Writes in a loop until told to stop; a refused connection (the server is down) is no acknowledgement. */
    async function writer(n: number) {
      for (let round = 0; !stop; round++) {
        try {
          if (n % 2 === 0) {
            const email = `crash-reader-${n}-${round}@example.com`;
            const reader = new Browser(() => server.url);
            const answer = await reader.post('/cheat-sheet?_action=leads.capture', { email, consent: 'on' });
            if (answer.status === 303) acknowledgedLeads.push(email);
          } else {
            const company = `Crash ${n}-${round}`;
            const answer = await member.post('/tracker/new?_action=tracker.create', interviewForm({ company }));
            if (answer.status === 303) acknowledgedEntries.push(company);
          }
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }

    const writers = Array.from({ length: 8 }, (_, n) => writer(n));
    await expect
      .poll(() => acknowledgedLeads.length + acknowledgedEntries.length, { timeout: 15_000 })
      .toBeGreaterThan(40);
    // From now the provider delivers at once but answers 5 s later: the kill lands mid-send, with
    // messages that went out but that the server never heard about.
    resend.answerDelayMs = 5_000;
    const deliveredBefore = resend.deliveries.length;
    await expect.poll(() => resend.deliveries.length, { timeout: 15_000 }).toBeGreaterThan(deliveredBefore);
    const leasedAtKill = new Set(
      (await sql.execute("SELECT idempotency_key FROM outbox WHERE status = 'sending'")).rows.map((row) =>
        String(row['idempotency_key']),
      ),
    );
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    resend.answerDelayMs = 0;
    server = await start();
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop = true;
    await Promise.all(writers);

    expect(acknowledgedLeads.length).toBeGreaterThan(10);
    expect(acknowledgedEntries.length).toBeGreaterThan(10);
    for (const email of acknowledgedLeads)
      expect(await count('SELECT count(*) AS n FROM leads WHERE email = ?', [email]), email).toBe(1);
    for (const company of acknowledgedEntries)
      expect(await count('SELECT count(*) AS n FROM opportunities WHERE company = ?', [company]), company).toBe(1);
    expect(String((await sql.execute('PRAGMA integrity_check')).rows[0]![0])).toBe('ok');
    expect((await sql.execute('PRAGMA foreign_key_check')).rows).toHaveLength(0);

    // A message the killed server had leased comes back when its lease expires (a minute).
    await expect
      .poll(() => count("SELECT count(*) AS n FROM outbox WHERE status <> 'sent'"), { timeout: 90_000, interval: 500 })
      .toBe(0);
    const queued = (
      await sql.execute("SELECT idempotency_key FROM outbox WHERE to_address LIKE 'crash-reader-%'")
    ).rows.map((row) => String(row['idempotency_key']));
    expect(queued.length).toBeGreaterThanOrEqual(acknowledgedLeads.length);
    // Every queued message reached the provider, none under a key never queued, and only the
    // messages the killed server held were sent again, under their own key (which the provider,
    // like Resend, does not deliver twice).
    const delivered = new Set(resend.deliveries.map((delivery) => delivery.idempotencyKey));
    for (const key of queued) expect(delivered.has(key), key).toBe(true);
    const everQueued = new Set(
      (await sql.execute('SELECT idempotency_key FROM outbox')).rows.map((row) => String(row['idempotency_key'])),
    );
    expect([...delivered].filter((key) => !everQueued.has(key!))).toEqual([]);
    const sentTwice = [...resend.sendsByKey].filter(([, sends]) => sends > 1).map(([key]) => key);
    expect(sentTwice.filter((key) => !leasedAtKill.has(key))).toEqual([]);
    expect(sentTwice.length, 'the message delivered as the server died was sent again').toBeGreaterThan(0);
    expect(errorLines(server.output())).toEqual([]);
  }, 150_000);
});
