/**
 * Newsletters through the outbox in batches, on a real database and through the real Resend SDK
 * against the local fake: 100 emails a call, each composed for its recipient, a batch resent whole
 * under its own key after a crash, a refused batch falling back to single sends, the send rate held
 * across workers, every row sent once, and addresses that must no longer get newsletters withdrawn
 * before the first attempt. The statements that find due rows use their partial indexes.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { broadcasts, campaignStats, emailSuppressions, leads, outbox, users } from '../../db/schema.ts';
import {
  deliverDueBatches,
  deliverDueEmails,
  DUE_QUERIES,
  LEASE_MS,
  type BatchDeliveryOptions,
} from '../../src/lib/email/outbox.server.ts';
import { backgroundJobs } from '../../src/lib/app/background/jobs.server.ts';
import { getMail } from '../../src/lib/email/mail-viewer.server.ts';
import { createResendTransport, type EmailTransport } from '../../src/lib/email/transport.server.ts';
import { UNSUBSCRIBE_PLACEHOLDER } from '../../src/lib/marketing/personalise.ts';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { testAppContext } from '../setup/app-context.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const FROM = 'Coach <coach@example.com>';
const T = new Date('2026-12-01T09:00:00Z');
const BROADCAST = 'spring01';
const CAMPAIGN = `b-${BROADCAST}`;
const HTML = `<p>Follow up on Friday.</p><p><a href="${UNSUBSCRIBE_PLACEHOLDER}">Unsubscribe</a></p>`;
const TEXT = `Follow up on Friday.\n\nUnsubscribe: ${UNSUBSCRIBE_PLACEHOLDER}`;

let resend: FakeResend;
let transport: EmailTransport;
let test: TestDatabase;

beforeAll(async () => {
  resend = await startFakeResend();
  transport = createResendTransport(resend.apiKey, resend.url);
});
afterAll(() => resend.close());
beforeEach(async () => {
  test = openTestDatabase();
  resend.deliveries.length = 0;
  resend.batches.length = 0;
  resend.repeated = 0;
  resend.failNext(0);
  await test.db.insert(broadcasts).values({
    id: BROADCAST,
    subject: 'Follow up on Friday',
    bodyMarkdown: 'Follow up on Friday.',
    status: 'sending',
    html: HTML,
    text: TEXT,
    queuedAt: T,
  });
});

let runs = 0;
let runId = '';
const unsubscribeUrl = (n: number) => `https://coach.example/unsubscribe?token=reader-${n}`;

/** Queues `count` recipients as a broadcast's queueing does: 100 to a batch, no body of their own. */
async function queue(count: number, { from = 0 }: { from?: number } = {}) {
  // The fake remembers keys for the whole file, as Resend does for a day: each test its own.
  runId = `r${++runs}`;
  const rows = Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      idempotencyKey: `bc:${BROADCAST}:${runId}:${n}`,
      kind: 'broadcast',
      toAddress: `reader${n}@example.com`,
      subject: 'Follow up on Friday',
      html: '',
      text: '',
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl(n)}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
      campaign: CAMPAIGN,
      batchKey: `bc:${BROADCAST}:${runId}:${Math.floor(n / 100)}`,
      nextAttemptAt: T,
      expiresAt: new Date(T.getTime() + 30 * 86_400_000),
      createdAt: T,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await test.db.insert(outbox).values(rows.slice(i, i + 200));
}

const run = (options: Partial<BatchDeliveryOptions> = {}) =>
  deliverDueBatches({
    db: test.db,
    transport,
    from: FROM,
    workerId: 'w1',
    clock: () => T,
    ratePerSecond: 1000,
    maxBatches: 100,
    ...options,
  });

const stats = async () => (await test.db.select().from(campaignStats).where(eq(campaignStats.campaign, CAMPAIGN)))[0];
const statusCounts = async () =>
  Object.fromEntries(
    (
      await test.db.all<{ status: string; n: number }>(sql`SELECT status, count(*) AS n FROM outbox GROUP BY status`)
    ).map((row) => [row.status, Number(row.n)]),
  );

describe('a newsletter in batches', () => {
  it('goes to 1,000 readers in 10 calls, each email composed for its reader, counted, and the broadcast finished', async () => {
    await queue(1000);
    const started = performance.now();
    const report = await run();
    console.info(
      `1,000 newsletter emails in 10 batch calls to the fake: ${Math.round(performance.now() - started)} ms`,
    );
    expect(report).toMatchObject({ batches: 10, sent: 1000, dropped: 0, retried: 0, failed: 0, finished: 1 });
    expect(resend.batches.map((batch) => batch.size)).toEqual(Array(10).fill(100));
    expect(resend.deliveries).toHaveLength(1000);
    expect(new Set(resend.deliveries.map((d) => d.to[0])).size).toBe(1000);
    const reader7 = resend.deliveries.find((d) => d.to[0] === 'reader7@example.com')!;
    expect(reader7.html).toContain(`href="${unsubscribeUrl(7)}"`);
    expect(reader7.text).toContain(unsubscribeUrl(7));
    expect(reader7.html + reader7.text).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
    expect(reader7.headers['List-Unsubscribe']).toBe(`<${unsubscribeUrl(7)}>`);
    expect(reader7.tags).toEqual([{ name: 'campaign', value: CAMPAIGN }]);
    expect(await statusCounts()).toEqual({ sent: 1000 });
    expect(await stats()).toMatchObject({ sent: 1000, failed: 0 });
    const [broadcast] = await test.db.select().from(broadcasts);
    expect(broadcast).toMatchObject({ status: 'sent', finishedAt: T });
    // Each row has the provider's own id.
    const ids = await test.db.select({ id: outbox.providerMessageId }).from(outbox);
    expect(new Set(ids.map((row) => row.id)).size).toBe(1000);
    // Nothing is left for the single sender.
    expect((await deliverDueEmails({ db: test.db, transport, from: FROM, workerId: 'w1', now: T })).sent).toBe(0);
  });

  it('is resent whole under the same key after a worker dies mid-send, and the provider delivers it once', async () => {
    await queue(100);
    // Worker A's batch reaches the provider, then A dies before it records anything.
    const dying: EmailTransport = {
      ...transport,
      name: 'resend',
      send: transport.send,
      async sendBatch(emails, key) {
        await transport.sendBatch(emails, key);
        throw new Error('process killed');
      },
    };
    const a = await run({ transport: dying, workerId: 'A' });
    expect(a).toMatchObject({ sent: 0, retried: 100 });
    // A "crash" leaves the lease, not a retry: put the rows back as a dead worker leaves them.
    await test.db.run(
      sql`UPDATE outbox SET status = 'sending', lease_owner = 'A', lease_expires_at = ${T.getTime() + LEASE_MS}, next_attempt_at = ${T.getTime()}`,
    );
    // While A's lease holds, nobody else takes the batch.
    expect(await run({ workerId: 'B', clock: () => new Date(T.getTime() + 1000) })).toMatchObject({ batches: 0 });
    // Once it expires, B takes it over and resends exactly the same batch under the same key.
    const later = new Date(T.getTime() + LEASE_MS + 1);
    const b = await run({ workerId: 'B', clock: () => later });
    expect(b).toMatchObject({ batches: 1, sent: 100 });
    expect(resend.batches.map((batch) => batch.repeat)).toEqual([false, true]);
    expect(resend.repeated).toBe(1);
    expect(resend.deliveries).toHaveLength(100);
    expect(resend.sendsByKey.get(`bc:${BROADCAST}:${runId}:0`)).toBe(2);
    expect(await stats()).toMatchObject({ sent: 100 });
    expect(await statusCounts()).toEqual({ sent: 100 });
  });

  it('backs off under the same key when the provider is down or rate-limits it, then sends it once', async () => {
    await queue(100);
    resend.failNext(1, 503);
    expect(await run()).toMatchObject({ retried: 100, sent: 0 });
    const [row] = await test.db.select().from(outbox).limit(1);
    expect(row).toMatchObject({ status: 'pending', batchKey: `bc:${BROADCAST}:${runId}:0`, attempts: 1 });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(T.getTime());
    resend.failNext(1, 429);
    const retry = row!.nextAttemptAt;
    expect(await run({ clock: () => retry })).toMatchObject({ retried: 100 });
    const [again] = await test.db.select().from(outbox).limit(1);
    expect(again).toMatchObject({ status: 'pending', attempts: 2, batchKey: `bc:${BROADCAST}:${runId}:0` });
    const third = again!.nextAttemptAt;
    expect(await run({ clock: () => third })).toMatchObject({ batches: 1, sent: 100 });
    expect(resend.deliveries).toHaveLength(100);
    expect(await stats()).toMatchObject({ sent: 100 });
  });

  it('refused as a batch (422), goes one by one under each row’s own key, composed and tagged', async () => {
    await queue(100);
    resend.failNext(1, 422);
    expect(await run()).toMatchObject({ single: 100, sent: 0, batches: 0 });
    const rows = await test.db.select().from(outbox);
    expect(rows.every((row) => row.batchKey === null && row.status === 'pending')).toBe(true);
    expect(resend.deliveries).toHaveLength(0);
    // The batch worker has nothing left; the single sender takes them.
    expect((await run()).batches).toBe(0);
    const single = await deliverDueEmails({
      db: test.db,
      transport,
      from: FROM,
      workerId: 'w1',
      now: T,
      batchSize: 200,
    });
    expect(single).toEqual({ sent: 100, retried: 0, failed: 0 });
    expect(resend.batches).toHaveLength(0);
    expect(new Set(resend.deliveries.map((d) => d.idempotencyKey)).size).toBe(100);
    const reader3 = resend.deliveries.find((d) => d.to[0] === 'reader3@example.com')!;
    expect(reader3.idempotencyKey).toBe(`bc:${BROADCAST}:${runId}:3`);
    expect(reader3.html).toContain(`href="${unsubscribeUrl(3)}"`);
    expect(reader3.tags).toEqual([{ name: 'campaign', value: CAMPAIGN }]);
  });

  it('a key the provider already saw with another payload (409) also falls back to single sends', async () => {
    await queue(3);
    const key = `bc:${BROADCAST}:${runId}:0`;
    // Something else went out under this key first: the fake, like Resend, refuses the reuse.
    await transport.sendBatch(
      [{ from: FROM, to: 'other@example.com', subject: 'Other', html: '<p>x</p>', text: 'x', headers: {} }],
      key,
    );
    expect(await run()).toMatchObject({ single: 3, batches: 0 });
    expect(resend.batches.filter((batch) => batch.key === key)).toHaveLength(1);
    expect((await test.db.select().from(outbox)).every((row) => row.batchKey === null)).toBe(true);
    expect((await test.db.select().from(outbox))[0]!.lastError).toMatch(/409/);
  });

  it('keeps to the send rate, every worker together', async () => {
    await queue(1500);
    const rate = 5;
    const started = Date.now();
    // Two workers, counted together through the rate_limits table (the processes of production
    // share it the same way; two connections in one test process would block each other).
    const reports = await Promise.all(
      ['w1', 'w2'].map((workerId) =>
        deliverDueBatches({ db: test.db, transport, from: FROM, workerId, ratePerSecond: rate, maxBatches: 15 }),
      ),
    );
    const elapsed = Date.now() - started;
    expect(reports.reduce((sum, report) => sum + report.batches, 0)).toBe(15);
    // 15 calls at 5 a second: three windows of one second, so at least two seconds between first and last.
    const times = resend.batches.map((batch) => batch.at).sort((a, b) => a - b);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(1900);
    // However the windows fall, no second holds more than two windows' worth.
    for (const [i, t] of times.entries())
      expect(times.filter((other, j) => j >= i && other < t + 1000).length).toBeLessThanOrEqual(2 * rate);
    console.info(`15 batch calls at EMAIL_SEND_RATE=${rate} took ${elapsed} ms on two workers`);
  });

  it('gives a batch back, unsent and its attempt not counted, when the rate’s window does not end', async () => {
    await queue(200);
    // A clock that stands still: the second batch never gets a slot in this run.
    const report = await run({ ratePerSecond: 1, maxBatches: 5 });
    expect(report).toMatchObject({ batches: 1, sent: 100 });
    const waiting = await test.db.select().from(outbox).where(eq(outbox.status, 'pending'));
    expect(waiting).toHaveLength(100);
    expect(waiting.every((row) => row.attempts === 0 && row.leaseOwner === null)).toBe(true);
    const next = new Date(T.getTime() + 1000);
    expect(await run({ ratePerSecond: 1, clock: () => next })).toMatchObject({ batches: 1, sent: 100 });
    expect(resend.repeated).toBe(0);
  });

  it('four workers at once send every row once', async () => {
    await queue(600);
    const reports = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((workerId) => run({ workerId, maxBatches: 10 })));
    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(600);
    expect(resend.deliveries).toHaveLength(600);
    expect(new Set(resend.deliveries.map((d) => d.to[0])).size).toBe(600);
    expect(resend.repeated).toBe(0);
    expect(await stats()).toMatchObject({ sent: 600 });
  });

  it('withdraws, before the first attempt, an address suppressed, unsubscribed or switched off since queueing, saying why', async () => {
    await queue(5);
    await test.db.insert(emailSuppressions).values({ email: 'reader0@example.com', reason: 'bounce', createdAt: T });
    await test.db.insert(leads).values({
      id: 'lead-1',
      email: 'reader1@example.com',
      status: 'unsubscribed',
      consentText: 'x',
      consentAt: T,
    });
    await test.db
      .insert(users)
      .values({ id: 'u-2', email: 'reader2@example.com', passwordHash: 'x', emailCoach: false });
    // Reader 3 is a member with newsletters on, reader 4 a reader with nothing against them.
    await test.db.insert(users).values({ id: 'u-3', email: 'reader3@example.com', passwordHash: 'x' });
    resend.failNext(1, 500);
    expect(await run()).toMatchObject({ dropped: 3, retried: 2 });
    const byAddress = Object.fromEntries(
      (await test.db.select().from(outbox)).map((row) => [row.toAddress, [row.status, row.lastError]]),
    );
    expect(byAddress['reader0@example.com']).toEqual(['failed', expect.stringMatching(/bounced or complaining/)]);
    expect(byAddress['reader1@example.com']).toEqual(['failed', expect.stringMatching(/unsubscribed/)]);
    expect(byAddress['reader2@example.com']).toEqual([
      'failed',
      expect.stringMatching(/switched the coach's newsletters off/),
    ]);
    // A suppression that arrives after the first attempt leaves the batch as it was sent: its retry
    // must be the same request under the same key.
    await test.db.insert(emailSuppressions).values({ email: 'reader3@example.com', reason: 'complaint', createdAt: T });
    const [row] = await test.db.select().from(outbox).where(eq(outbox.toAddress, 'reader4@example.com'));
    const retry = row!.nextAttemptAt;
    expect(await run({ clock: () => retry })).toMatchObject({ sent: 2, dropped: 0, finished: 1 });
    expect(resend.deliveries.map((d) => d.to[0]).sort()).toEqual(['reader3@example.com', 'reader4@example.com']);
    expect(await stats()).toMatchObject({ sent: 2 });
    expect((await test.db.select().from(broadcasts))[0]!.status).toBe('sent');
  });

  it('shows in the local mail viewer as the reader gets it, with their own unsubscribe link', async () => {
    await queue(2);
    const [row] = await test.db.select().from(outbox).where(eq(outbox.toAddress, 'reader1@example.com'));
    expect(row).toMatchObject({ html: '', text: '' });
    const shown = await getMail(test.db, row!.id);
    expect(shown!.html).toContain(`href="${unsubscribeUrl(1)}"`);
    expect(shown!.text).toContain(unsubscribeUrl(1));
    expect(shown!.html).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
  });
});

describe('the deliver-batches job', () => {
  it('is in the one job list, every second, and without Resend keeps the emails in the outbox for the mail viewer', async () => {
    await queue(150);
    const app = testAppContext({ db: test.db, siteUrl: 'https://coach.example', now: T });
    expect(app.email.transport.name).toBe('local');
    const job = backgroundJobs(app, 'worker-1').find((each) => each.name === 'deliver-batches')!;
    expect(job.everyMs).toBe(1000);
    // The default rate (EMAIL_SEND_RATE=5): both batches in one run.
    expect(await job.run(new AbortController().signal)).toMatchObject({ batches: 2, sent: 150, finished: 1 });
    const [row] = await test.db.select().from(outbox).where(eq(outbox.toAddress, 'reader101@example.com'));
    expect(row).toMatchObject({ status: 'sent', providerMessageId: `local:bc:${BROADCAST}:${runId}:1:1` });
    expect(resend.deliveries).toHaveLength(0);
    expect((await getMail(test.db, row!.id))!.html).toContain(`href="${unsubscribeUrl(101)}"`);
  });
});

describe('the statements that find due rows', () => {
  it('use the partial indexes: single sends never walk past a newsletter’s rows, nor batches past single ones', async () => {
    const plan = async (query: string, args: number[]) =>
      (await test.db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${query}`, args })).rows
        .map((row) => String(row['detail']))
        .join('\n');
    const single = await plan(DUE_QUERIES.single, [1, 1, 20]);
    expect(single).toMatch(/outbox USING INDEX outbox_single_due/);
    expect(single).not.toMatch(/SCAN outbox\b(?! USING)/);
    const batch = await plan(DUE_QUERIES.batch, [1, 1]);
    expect(batch).toMatch(/outbox USING INDEX outbox_batch_due/);
    expect(batch).not.toMatch(/SCAN outbox\b(?! USING)/);
    const claim = await plan(`SELECT id FROM outbox WHERE batch_key = (${DUE_QUERIES.batch})`, [1, 1]);
    expect(claim).toMatch(/SEARCH outbox USING (COVERING )?INDEX outbox_batch \(batch_key=\?/);
  });
});
