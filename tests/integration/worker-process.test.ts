/**
 * `npm run worker` as it runs in production: a real process under the project's Node, from the
 * build, against its own database and the real Resend SDK talking to the local fake. It runs the
 * whole job list an app instance runs (email, nurture, tracker reminders, the funnel rollup,
 * rate-limit pruning), and stops cleanly: on SIGTERM while a delivery waits for the provider's
 * late answer it exits 0 and leaves the message sent or released, never held by a dead worker.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { appSettings, leads, outbox, rateLimits, users } from '../../db/schema.ts';
import { enqueueEmail } from '../../src/lib/email/outbox.server.ts';
import { verifyToken } from '../../src/lib/auth/tokens.server.ts';
import { createOpportunity } from '../../src/lib/tracker/entries.server.ts';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { deliveringEnv, errorLines, startServer, TEST_APP_SECRET } from '../setup/built-server.ts';
import { readConfig } from '../../src/lib/app/config.ts';
import { freshDatabaseFile } from '../setup/test-database.ts';
import { eq } from 'drizzle-orm';

const DAY = 86_400_000;
const database = freshDatabaseFile();
const db = openDatabase({ url: database.url });
/** The origin the build was made for (astro.config.mjs reads SITE_URL when it builds). */
const builtFor = readConfig(process.env).siteUrl;
let resend: FakeResend;
const started: RunningWorker[] = [];

interface RunningWorker {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run worker`, started as an operator would, resolved once it says it has started. */
async function startWorker(): Promise<RunningWorker> {
  const child = spawn('npm', ['run', 'worker'], {
    // Its own process group, so a test that fails midway can end npm and the worker together.
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker = { child, output: () => text, exited };
  started.push(worker);
  await expect
    .poll(() => (child.exitCode === null ? logged(worker, 'worker started') !== undefined : `exited:\n${text}`), {
      timeout: 60_000,
    })
    .toBe(true);
  return worker;
}

/** A fixed-offset zone where it is now between 9:00 and 20:59: the morning reminder is due there. */
function zoneInTheDay(now = new Date()): string {
  for (let offset = -12; offset <= 14; offset++) {
    const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { hour: 'numeric', hourCycle: 'h23', timeZone: zone }).format(now),
    );
    if (hour >= 9 && hour <= 20) return zone;
  }
  throw new Error('no zone found');
}

/** The first line the worker logged (JSON, src/lib/app/log.server.ts) with this message. */
function logged(worker: RunningWorker, message: string): Record<string, unknown> | undefined {
  return worker
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((line) => line['msg'] === message);
}

const sentTimes = (key: string) => resend.sendsByKey.get(key) ?? 0;
const deliveredTimes = (key: string) => resend.deliveries.filter((d) => d.idempotencyKey === key).length;
const outboxRow = async (key: string) => (await db.select().from(outbox).where(eq(outbox.idempotencyKey, key)))[0];

/** Queues a message and waits until a process whose lease owner starts with `owner` holds it while the provider holds its answer. */
async function queueHeldMessage(key: string, owner: 'worker-' | 'web-'): Promise<void> {
  await enqueueEmail(db, {
    idempotencyKey: key,
    kind: 'test',
    to: `${owner}late@example.com`,
    subject: 'Answered late',
    html: '<p>Late</p>',
    text: 'Late',
  });
  await expect
    .poll(
      async () => {
        const row = await outboxRow(key);
        return row?.status === 'sending' && row.leaseOwner?.startsWith(owner) && resend.held.has(key);
      },
      { timeout: 30_000, interval: 50 },
    )
    .toBe(true);
}

beforeAll(async () => {
  if (!existsSync('dist/server/worker.mjs')) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests (npm test does).');
  }
  resend = await startFakeResend();
});
afterAll(async () => {
  for (const worker of started) if (worker.child.exitCode === null) process.kill(-worker.child.pid!, 'SIGKILL');
  await resend.close();
  db.$client.close();
});

describe('npm run worker', () => {
  let worker: RunningWorker;

  it('runs every background job once: queued email, a due nurture step, a due reminder, the rollup, pruning, retention', async () => {
    const now = Date.now();
    await enqueueEmail(db, {
      idempotencyKey: 'worker-test:queued',
      kind: 'test',
      to: 'someone@example.com',
      subject: 'Queued before the worker started',
      html: '<p>Hello</p>',
      text: 'Hello',
    });
    // A reader who confirmed three days ago: the sequence's day-2 email is due.
    await db.insert(leads).values({
      id: 'worker-lead',
      email: 'reader@example.com',
      status: 'confirmed',
      consentText: 'Yes, email me the cheat sheet.',
      consentAt: new Date(now - 3 * DAY),
      confirmedAt: new Date(now - 3 * DAY),
      nurtureStep: 1,
      sequenceStepId: 'cheat-sheet',
      nextNurtureAt: new Date(now - DAY),
    });
    // A member whose morning has come, with a thank-you note overdue since yesterday.
    const member = { id: 'worker-member', timeZone: zoneInTheDay() };
    await db.insert(users).values({
      ...member,
      email: 'member@example.com',
      passwordHash: 'x',
      name: 'Sam',
      emailVerifiedAt: new Date(now - 10 * DAY),
    });
    await createOpportunity(
      db,
      member,
      {
        kind: 'interview',
        company: 'Northwind',
        roleTitle: 'Product Designer',
        contactName: 'Priya Shah',
        contactRole: 'Hiring manager',
        contactEmail: 'priya@northwind.example',
        notes: '',
      },
      { at: new Date(now - 2 * DAY), decisionBy: null, timingNote: '', specificDetail: 'critiques', valueIdea: '' },
      new Date(now - 2 * DAY),
    );
    await db.insert(rateLimits).values([
      { key: 'capture:ip:old', windowStart: now - 3 * DAY, count: 4 },
      { key: 'capture:ip:fresh', windowStart: now, count: 1 },
    ]);

    // A sign-in link sent yesterday: its link died 15 minutes later, so its body must go.
    await db.insert(outbox).values({
      idempotencyKey: 'worker-test:dead-link',
      kind: 'auth.login',
      toAddress: 'old@example.com',
      subject: 'Your sign-in link',
      html: '<p><a href="/auth/link?token=deadbeef">Sign in</a></p>',
      text: 'Sign in: /auth/link?token=deadbeef',
      status: 'sent',
      nextAttemptAt: new Date(now - DAY),
      sentAt: new Date(now - DAY),
      expiresAt: new Date(now - DAY + 15 * 60_000),
    });

    worker = await startWorker();
    expect(logged(worker, 'worker started')).toMatchObject({ role: 'worker', email: 'resend', site: builtFor });

    await expect.poll(() => sentTimes('worker-test:queued'), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => sentTimes('lead-seq:worker-lead:thank-you-in-practice'), { timeout: 30_000 }).toBe(1);
    const reminderKey = () => [...resend.sendsByKey.keys()].find((key) => key.startsWith('reminder:worker-member:'));
    await expect.poll(reminderKey, { timeout: 30_000 }).toBeDefined();
    await expect
      .poll(async () => (await db.select().from(outbox)).map((row) => row.status), { timeout: 30_000 })
      .toEqual(['sent', 'sent', 'sent', 'sent']);
    await expect
      .poll(
        async () => (await db.select().from(outbox).where(eq(outbox.idempotencyKey, 'worker-test:dead-link')))[0]!.text,
        { timeout: 30_000 },
      )
      .not.toContain('deadbeef');
    for (const key of ['worker-test:queued', 'lead-seq:worker-lead:thank-you-in-practice', reminderKey()!]) {
      expect(sentTimes(key), key).toBe(1);
      expect(deliveredTimes(key), key).toBe(1);
    }

    // Links in its emails point to the origin the build was made for, signed with APP_SECRET.
    const nurture = resend.deliveries.find((d) => d.idempotencyKey === 'lead-seq:worker-lead:thank-you-in-practice')!;
    expect(nurture.to).toEqual(['reader@example.com']);
    const unsubscribe = new RegExp(`${builtFor}/unsubscribe\\?token=([\\w.:-]+)`).exec(nurture.text);
    expect(unsubscribe, nurture.text).not.toBeNull();
    expect(verifyToken(TEST_APP_SECRET, 'unsub', unsubscribe![1]!)).toEqual({ ok: true, data: 'worker-lead' });
    const reminder = resend.deliveries.find((d) => d.idempotencyKey === reminderKey())!;
    expect(reminder.to).toEqual(['member@example.com']);
    expect(reminder.text).toContain('Priya Shah at Northwind');
    expect(reminder.text).toContain(`${builtFor}/tracker/o/`);

    await expect
      .poll(async () => (await db.select().from(appSettings).where(eq(appSettings.key, 'funnel.rollup'))).length, {
        timeout: 30_000,
      })
      .toBe(1);
    await expect
      .poll(async () => (await db.select().from(rateLimits)).map((row) => row.key), { timeout: 30_000 })
      .toEqual(['capture:ip:fresh']);
  }, 120_000);

  it('on SIGTERM while the provider holds its answer, exits 0 within seconds and releases the message', async () => {
    const key = 'worker-test:late';
    resend.answerDelayMs = 60_000;
    // The state to stop in: the worker holds the lease and the provider holds the answer.
    await queueHeldMessage(key, 'worker-');

    const signalled = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(logged(worker, 'worker stopping')).toMatchObject({ signal: 'SIGTERM' });
    expect(logged(worker, 'job released')).toMatchObject({ job: 'deliver-email', released: 1 });
    expect(logged(worker, 'worker stopped')).toBeDefined();

    const row = await outboxRow(key);
    expect(row).toMatchObject({ status: 'pending', leaseOwner: null, leaseExpiresAt: null });
    expect(row!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  }, 120_000);

  it('a released message goes out with the next worker at once, under its own key; SIGINT stops it too', async () => {
    const key = 'worker-test:late';
    resend.answerDelayMs = 0;
    worker = await startWorker();
    // No lease to wait out (a minute): the next delivery tick takes it.
    await expect.poll(async () => (await outboxRow(key))?.status, { timeout: 30_000 }).toBe('sent');
    // Sent twice under one key (before the stop, and now); the provider, like Resend, delivered it once.
    expect(sentTimes(key)).toBe(2);
    expect(deliveredTimes(key)).toBe(1);

    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(logged(worker, 'worker stopping')).toMatchObject({ signal: 'SIGINT' });
    expect(logged(worker, 'worker stopped')).toBeDefined();
    expect(errorLines(worker.output())).toEqual([]);
  }, 120_000);

  it('a web instance running the jobs also hands back what it holds on SIGTERM', async () => {
    const key = 'worker-test:web-late';
    resend.answerDelayMs = 60_000;
    const web = await startServer({
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      ...deliveringEnv(resend),
    });
    await queueHeldMessage(key, 'web-');
    const exited = new Promise<number | null>((resolve) => web.process.once('exit', (code) => resolve(code)));
    web.process.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await outboxRow(key)).toMatchObject({ status: 'pending', leaseOwner: null, leaseExpiresAt: null });
    expect(web.output()).toMatch(/"msg":"job released"/);
    resend.answerDelayMs = 0;
  }, 120_000);
});
