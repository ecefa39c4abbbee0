import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox, users } from '../../db/schema.ts';
import {
  deliverDueEmails,
  enqueueEmail,
  enqueueEmailForAccount,
  LEASE_MS,
  MAX_ATTEMPTS,
  retryDelayMs,
} from '../../src/lib/email/outbox.server.ts';
import { createResendTransport, type EmailTransport } from '../../src/lib/email/transport.server.ts';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

const FROM = 'Coach <coach@example.com>';
let resend: FakeResend;
let transport: EmailTransport;
let test: TestDatabase;

beforeAll(async () => {
  resend = await startFakeResend();
  transport = createResendTransport(resend.apiKey, resend.url);
});
afterAll(() => resend.close());
beforeEach(() => {
  test = openTestDatabase();
  resend.deliveries.length = 0;
  resend.failNext(0);
});

const message = (n: number) => ({
  idempotencyKey: `test:${n}`,
  kind: 'test',
  to: `reader${n}@example.com`,
  subject: `Message ${n}`,
  html: `<p>Hello ${n}</p>`,
  text: `Hello ${n}`,
  headers: { 'List-Unsubscribe': `<https://example.com/unsubscribe?token=${n}>` },
});
const rows = () => test.db.select().from(outbox).orderBy(outbox.id);
const at = (iso: string) => new Date(iso);
/** One delivery run of the outbox by this worker, through the fake Resend. */
const deliver = (workerId: string, options: { now?: Date; batchSize?: number } = {}) =>
  deliverDueEmails({ db: test.db, transport, from: FROM, workerId, ...options });

describe('the outbox through the real Resend SDK', () => {
  it('delivers a queued message once, with its headers, and marks it sent', async () => {
    await enqueueEmail(test.db, message(1), at('2026-11-26T10:00:00Z'));
    const report = await deliver('w1', { now: at('2026-11-26T10:00:01Z') });
    expect(report).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(resend.deliveries).toHaveLength(1);
    expect(resend.deliveries[0]).toMatchObject({
      from: FROM,
      to: ['reader1@example.com'],
      subject: 'Message 1',
      text: 'Hello 1',
      idempotencyKey: 'test:1',
    });
    expect(resend.deliveries[0]!.headers['List-Unsubscribe']).toBe('<https://example.com/unsubscribe?token=1>');
    const [row] = await rows();
    expect(row).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerMessageId: resend.deliveries[0]!.id,
      leaseOwner: null,
    });

    await deliver('w1', { now: at('2026-11-26T11:00:00Z') });
    expect(resend.deliveries).toHaveLength(1);
  });

  it('ignores a second enqueue with the same idempotency key', async () => {
    await enqueueEmail(test.db, message(1));
    await enqueueEmail(test.db, { ...message(1), subject: 'Changed' });
    expect(await rows()).toHaveLength(1);
    expect((await rows())[0]!.subject).toBe('Message 1');
  });

  it('retries after the provider fails, with backoff, and delivers once it recovers', async () => {
    await enqueueEmail(test.db, message(2), at('2026-11-26T10:00:00Z'));
    resend.failNext(2, 500);
    const first = await deliver('w1', { now: at('2026-11-26T10:00:00Z') });
    expect(first).toEqual({ sent: 0, retried: 1, failed: 0 });
    const [afterFailure] = await rows();
    expect(afterFailure!.status).toBe('pending');
    expect(afterFailure!.lastError).toMatch(/500/);
    expect(afterFailure!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(at('2026-11-26T10:00:24Z').getTime());

    // Not yet due: nothing is attempted.
    expect(await deliver('w1', { now: at('2026-11-26T10:00:10Z') })).toEqual({ sent: 0, retried: 0, failed: 0 });
    await deliver('w1', { now: at('2026-11-26T10:01:00Z') });
    await deliver('w1', { now: at('2026-11-26T10:05:00Z') });
    expect(resend.deliveries).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('gives up at once when the provider refuses the message itself, and after the last attempt otherwise', async () => {
    await enqueueEmail(test.db, message(3));
    resend.failNext(1, 422);
    expect(await deliver('w1')).toEqual({
      sent: 0,
      retried: 0,
      failed: 1,
    });
    expect((await rows())[0]!.status).toBe('failed');

    await enqueueEmail(test.db, message(4), at('2026-11-26T10:00:00Z'));
    resend.failNext(MAX_ATTEMPTS, 503);
    let now = at('2026-11-26T10:00:00Z');
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliver('w1', { now });
      now = new Date(now.getTime() + 2 * 3_600_000);
    }
    const [, row] = await rows();
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    expect(resend.deliveries).toHaveLength(0);
  });

  it('sends no duplicate when a worker dies after sending and another takes over its lease', async () => {
    await enqueueEmail(test.db, message(5), at('2026-11-26T10:00:00Z'));
    // Worker A sends, then "crashes" before it can record the outcome.
    const crashing: EmailTransport = {
      name: 'resend',
      async send(email, key) {
        await transport.send(email, key);
        throw new Error('process killed');
      },
      sendBatch: () => Promise.reject(new Error('not used here')),
    };
    await test.db.$client.execute(
      "UPDATE outbox SET status = 'sending', lease_owner = 'A', lease_expires_at = 0, attempts = 1",
    );
    await crashing
      .send({ from: FROM, to: 'reader5@example.com', subject: 'Message 5', html: '', text: '', headers: {} }, 'test:5')
      .catch(() => undefined);
    expect(resend.deliveries).toHaveLength(1);

    // A restarted worker finds the expired lease and delivers again with the same key.
    const report = await deliver('B', { now: at('2026-11-26T10:02:00Z') });
    expect(report.sent).toBe(1);
    expect(resend.deliveries).toHaveLength(1);
    expect((await rows())[0]).toMatchObject({ status: 'sent', providerMessageId: resend.deliveries[0]!.id });
  });

  it('does not take a message another worker holds a live lease on', async () => {
    await enqueueEmail(test.db, message(6), at('2026-11-26T10:00:00Z'));
    await test.db.$client.execute({
      sql: "UPDATE outbox SET status = 'sending', lease_owner = 'A', lease_expires_at = ?",
      args: [at('2026-11-26T10:00:00Z').getTime() + LEASE_MS],
    });
    expect((await deliver('B', { now: at('2026-11-26T10:00:30Z') })).sent).toBe(0);
    expect(resend.deliveries).toHaveLength(0);
  });

  it('two workers running at once deliver every message exactly once', async () => {
    for (let n = 100; n < 140; n++) await enqueueEmail(test.db, message(n));
    const second = openTestDatabase();
    second.db.$client.close();
    const workers = ['w1', 'w2', 'w3', 'w4'].map((workerId) =>
      (async () => {
        let total = 0;
        for (let round = 0; round < 5; round++) total += (await deliver(workerId, { batchSize: 7 })).sent;
        return total;
      })(),
    );
    const sent = await Promise.all(workers);
    expect(sent.reduce((a, b) => a + b, 0)).toBe(40);
    expect(resend.deliveries).toHaveLength(40);
    expect(new Set(resend.deliveries.map((d) => d.idempotencyKey)).size).toBe(40);
    const statuses = await test.db.select({ status: outbox.status }).from(outbox).where(eq(outbox.status, 'sent'));
    expect(statuses).toHaveLength(40);
  });
});

describe('header injection from stored rows', () => {
  const injected = 'Hello\r\nBcc: victim@example.com';

  it('a row queued with a line break in its subject or a header goes to the provider on one line', async () => {
    // Written as an older version of the site could have: straight into the table.
    await test.db.insert(outbox).values({
      idempotencyKey: 'legacy:1',
      kind: 'test',
      toAddress: 'reader@example.com',
      subject: injected,
      html: '<p>Hi</p>',
      text: 'Hi\r\n\r\nBye',
      headers: { 'List-Unsubscribe': '<https://example.com/off>\r\nBcc: victim@example.com' },
      nextAttemptAt: at('2026-11-26T10:00:00Z'),
    });
    const report = await deliver('w1', { now: at('2026-11-26T10:00:01Z') });
    expect(report).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(resend.deliveries[0]).toMatchObject({
      to: ['reader@example.com'],
      subject: 'Hello Bcc: victim@example.com',
      text: 'Hi\r\n\r\nBye',
      headers: { 'List-Unsubscribe': '<https://example.com/off> Bcc: victim@example.com' },
    });
  });

  it('a row whose address has a line break is failed for good and never sent', async () => {
    await test.db.insert(outbox).values({
      idempotencyKey: 'legacy:2',
      kind: 'test',
      toAddress: 'reader@example.com\r\nBcc: victim@example.com',
      subject: 'Hello',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: {},
      nextAttemptAt: at('2026-11-26T10:00:00Z'),
    });
    const requests = resend.requests;
    const report = await deliver('w1', { now: at('2026-11-26T10:00:01Z') });
    expect(report).toEqual({ sent: 0, retried: 0, failed: 1 });
    expect(resend.requests).toBe(requests);
    expect((await rows())[0]).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/line break/) });
  });

  it('queuing stores the subject and headers on one line, and a bad address as failed without failing the caller', async () => {
    await enqueueEmail(
      test.db,
      { ...message(201), subject: injected, headers: { 'X-Note': injected } },
      at('2026-11-26T10:00:00Z'),
    );
    await enqueueEmail(
      test.db,
      { ...message(202), to: 'reader202@example.com\nBcc: victim@example.com' },
      at('2026-11-26T10:00:00Z'),
    );
    const [first, second] = await rows();
    expect(first).toMatchObject({
      subject: 'Hello Bcc: victim@example.com',
      headers: { 'X-Note': 'Hello Bcc: victim@example.com' },
    });
    expect(second).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/line break/) });
    await deliver('w1', { now: at('2026-11-26T10:00:01Z') });
    expect(resend.deliveries.map((delivery) => delivery.to)).toEqual([['reader201@example.com']]);
  });
});

describe('header injection through the account path', () => {
  it('a message queued for an account has its subject and headers on one line, and a bad address failed', async () => {
    await test.db.insert(users).values({ id: 'u1', email: 'member@example.com', passwordHash: 'x', name: 'M' });
    const account = eq(users.id, 'u1');
    const content = { kind: 'test', html: '<p>Hi</p>', text: 'Hi', headers: { 'X-Note': 'a\r\nBcc: v@example.com' } };
    await enqueueEmailForAccount(test.db, account, {
      ...content,
      idempotencyKey: 'account:1',
      to: 'member@example.com',
      subject: 'Hi\r\nBcc: v@example.com',
    });
    await enqueueEmailForAccount(test.db, account, {
      ...content,
      idempotencyKey: 'account:2',
      to: 'member@example.com\nBcc: v@example.com',
      subject: 'Hi',
    });
    const [first, second] = await rows();
    expect(first).toMatchObject({
      status: 'pending',
      subject: 'Hi Bcc: v@example.com',
      headers: { 'X-Note': 'a Bcc: v@example.com' },
    });
    expect(second).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/line break/) });
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [10, 3_600_000],
  ])('attempt %i waits about %i ms', (attempts, base) => {
    expect(retryDelayMs(attempts, () => 0.5)).toBe(base);
    expect(retryDelayMs(attempts, () => 0)).toBe(base * 0.8);
    expect(retryDelayMs(attempts, () => 1)).toBe(base * 1.2);
  });
});
