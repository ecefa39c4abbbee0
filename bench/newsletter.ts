/**
 * The newsletter part of `npm run bench`: a broadcast to 50,000 confirmed leads, queued and sent by
 * the worker (its own process, as in production) through the real Resend SDK's batch API to the
 * local fake of Resend, while article pages and tracker homes are served by a web server on the
 * same database. It reports the time to queue and to deliver, and the p99 of both pages during the
 * send against a quiet run just before it.
 *
 *   BENCH_NEWSLETTER=0         skips it
 *   BENCH_NEWSLETTER_LEADS=50000
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type InValue } from '@libsql/client';
import { startFakeResend } from '../tests/fakes/resend.ts';
import { seedTracker } from './seed-tracker.ts';
import { serveFlags } from './serve-flags.ts';

export interface NewsletterBenchOptions {
  work: string;
  taskset: string;
  port: number;
  articlePath: string;
  /** Seconds of load per page and state (quiet, during the send). */
  seconds: number;
  holds: (what: string, measured: string, budget: string, met: boolean) => string;
  children: ChildProcess[];
}

interface OpenLoopResult {
  sent: number;
  ok: number;
  errors: number;
  p50: number;
  p99: number;
}

const QUEUE_BUDGET_MS = 10_000;
const DELIVERY_BUDGET_MS = 120_000;
const BROADCAST_ID = 'benchbroadcast';

/** bench/open-loop.ts on core 1, without blocking this process (the fake provider lives here). */
function openLoop(
  taskset: string,
  url: string,
  cookies: string[],
  rate: number,
  seconds: number,
): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(taskset, [
      '-c',
      '1',
      process.execPath,
      'bench/open-loop.ts',
      JSON.stringify({ url, cookies, rate, seconds }),
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as OpenLoopResult)
        : reject(new Error(`open-loop exited ${code}`)),
    );
  });
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/** 50,000 confirmed leads who agreed to newsletters, from seven articles, over a year. */
async function seedLeads(databaseUrl: string, count: number, now: number): Promise<void> {
  const client = createClient({ url: databaseUrl });
  const articles = ['thank-you-note-within-24-hours', 'follow-up-after-networking-calls', null];
  const rows = 500;
  for (let start = 0; start < count; start += rows) {
    const args: InValue[] = [];
    const values: string[] = [];
    for (let index = start; index < Math.min(count, start + rows); index++) {
      const createdAt = now - 365 * 86_400_000 + Math.floor((index / count) * 364 * 86_400_000);
      values.push("(?, ?, 'confirmed', ?, 'bench consent', ?, ?, 1, ?)");
      args.push(`benchlead${index}`, `reader${index}@example.com`, articles[index % 3] ?? null, createdAt);
      args.push(createdAt + 60_000, createdAt);
    }
    await client.execute({
      sql: `INSERT INTO leads (id, email, status, source_article, consent_text, consent_at, confirmed_at, newsletter_consent, created_at)
            VALUES ${values.join(', ')}`,
      args,
    });
  }
  await client.execute({
    sql: "INSERT INTO app_settings (key, value) VALUES ('email.sender', ?)",
    args: [JSON.stringify({ postalAddress: '12 Harbour Street, Leith EH6 6QH, United Kingdom', footerNote: '' })],
  });
  client.close();
}

async function broadcastState(databaseUrl: string) {
  const client = createClient({ url: databaseUrl });
  try {
    const [broadcast] = (
      await client.execute({
        sql: 'SELECT status, recipients FROM broadcasts WHERE id = ?',
        args: [BROADCAST_ID],
      })
    ).rows;
    const [outbox] = (
      await client.execute({
        sql: "SELECT count(*) AS queued, sum(status = 'sent') AS sent FROM outbox WHERE campaign = ?",
        args: [`b-${BROADCAST_ID}`],
      })
    ).rows;
    return {
      status: String(broadcast?.['status'] ?? ''),
      recipients: Number(broadcast?.['recipients'] ?? 0),
      queued: Number(outbox?.['queued'] ?? 0),
      sent: Number(outbox?.['sent'] ?? 0),
    };
  } finally {
    client.close();
  }
}

export async function benchNewsletter(options: NewsletterBenchOptions): Promise<void> {
  const { work, taskset, port, articlePath, seconds, holds, children } = options;
  const leads = Number(process.env.BENCH_NEWSLETTER_LEADS ?? 50_000);
  const databaseUrl = pathToFileURL(join(work, 'newsletter.db')).href;
  execFileSync(process.execPath, ['scripts/db-migrate.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: 'ignore',
  });
  const seeded = await seedTracker(databaseUrl, { members: 100, sessionsFor: 50 });
  const now = Date.now();
  await seedLeads(databaseUrl, leads, now);

  const resend = await startFakeResend();
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: 'Own the Follow-Up <coach@ownthefollowup.example>',
  };
  const log = openSync(join(work, 'newsletter.log'), 'a');
  const server = spawn(taskset, ['-c', '0', process.execPath, ...serveFlags(), 'dist/server/main.mjs'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', BACKGROUND_JOBS: 'false' },
    stdio: ['ignore', log, log],
  });
  children.push(server);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${origin}/healthz`);
    const article = `${origin}${articlePath}`;
    const home = `${origin}/tracker`;
    // The window during the send is long enough to cover the queueing and the first batches.
    const window = Math.max(seconds, 20);
    const loads = (label: string) =>
      Promise.all([
        openLoop(taskset, article, [''], 100, window),
        openLoop(taskset, home, seeded.cookies, 25, window),
      ]).then(([articleRun, homeRun]) => ({ label, articleRun, homeRun }));
    await loads('warm-up');
    const quiet = await loads('quiet');

    // The coach scheduled it for now; the worker (core 1, beside the load generator) queues it.
    const client = createClient({ url: databaseUrl });
    await client.execute({
      sql: `INSERT INTO broadcasts (id, subject, preview, body_markdown, audience, status, scheduled_at)
            VALUES (?, ?, '', ?, ?, 'scheduled', ?)`,
      args: [
        BROADCAST_ID,
        'Three follow-ups worth sending this week',
        'Hello,\n\nThis week: **the thank-you note** within a day, and a check-in when the date they gave you passes.\n\n- [Thank-you notes](https://ownthefollowup.example/articles/thank-you-note-within-24-hours)\n- [After a networking call](https://ownthefollowup.example/articles/follow-up-after-networking-calls)',
        JSON.stringify({ kind: 'leads' }),
        Date.now() - 1000,
      ],
    });
    client.close();
    const started = performance.now();
    const worker = spawn(taskset, ['-c', '1', process.execPath, ...serveFlags(), 'dist/server/worker.mjs'], {
      env,
      stdio: ['ignore', log, log],
    });
    children.push(worker);

    const during = loads('during the send');
    let queuedMs = Number.NaN;
    let deliveredMs = Number.NaN;
    let state = await broadcastState(databaseUrl);
    while (performance.now() - started < DELIVERY_BUDGET_MS * 2) {
      state = await broadcastState(databaseUrl);
      if (Number.isNaN(queuedMs) && state.recipients > 0 && state.queued >= state.recipients)
        queuedMs = performance.now() - started;
      if (state.recipients > 0 && state.sent >= state.recipients) {
        deliveredMs = performance.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const duringSend = await during;
    worker.kill('SIGTERM');

    const batches = resend.batches.filter((batch) => !batch.repeat).length;
    console.log(
      `\nNewsletter: a broadcast to ${leads.toLocaleString('en')} confirmed leads, the worker on core 1 (with the load generator), ` +
        `the web server on core 0, the fake Resend in the bench process`,
    );
    console.log(
      `queued ${state.recipients.toLocaleString('en')} recipients in ${(queuedMs / 1000).toFixed(1)} s; ` +
        `${state.sent.toLocaleString('en')} delivered in ${(deliveredMs / 1000).toFixed(1)} s through ${batches} batch calls ` +
        `(${resend.deliveries.length.toLocaleString('en')} emails reached the provider; ${process.env.EMAIL_SEND_RATE ? `EMAIL_SEND_RATE=${process.env.EMAIL_SEND_RATE}` : 'the default EMAIL_SEND_RATE of 5'} batch calls a second)`,
    );
    console.log('\n| page | state | p50 | p99 | errors |\n| --- | --- | ---: | ---: | ---: |');
    for (const run of [quiet, duringSend]) {
      console.log(
        `| article, 100 req/s | ${run.label} | ${run.articleRun.p50} ms | ${run.articleRun.p99} ms | ${run.articleRun.errors} |`,
      );
      console.log(
        `| tracker home, 25 req/s | ${run.label} | ${run.homeRun.p50} ms | ${run.homeRun.p99} ms | ${run.homeRun.errors} |`,
      );
    }
    holds(
      `broadcast to ${leads.toLocaleString('en')} leads: queued`,
      `${(queuedMs / 1000).toFixed(1)} s`,
      '< 10 s',
      queuedMs < QUEUE_BUDGET_MS,
    );
    holds(
      `broadcast to ${leads.toLocaleString('en')} leads: delivered through the batch API`,
      `${(deliveredMs / 1000).toFixed(1)} s`,
      '< 120 s',
      deliveredMs < DELIVERY_BUDGET_MS && batches > 0,
    );
    for (const [what, before, after] of [
      ['article', quiet.articleRun, duringSend.articleRun],
      ['tracker home', quiet.homeRun, duringSend.homeRun],
    ] as const) {
      holds(
        `${what} p99 during the send, against a quiet run`,
        `${after.p99} ms = ${(after.p99 / before.p99).toFixed(1)}× ${before.p99} ms`,
        '≤ 2×',
        after.errors === 0 && after.p99 <= 2 * before.p99,
      );
    }
  } finally {
    server.kill();
    await resend.close();
  }
}
