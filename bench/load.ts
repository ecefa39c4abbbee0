/**
 * `npm run load`: many people using the site at once, against the built server on loopback.
 * LOAD_CLIENTS clients, each with its own connection, send LOAD_RATE requests a second between
 * them for LOAD_SECONDS, on a fixed schedule: each request is due at its time and its latency
 * counts from then, so a server that falls behind is charged for the wait (a client's next
 * request leaves when it is due or, if the server is behind, as soon as the last is answered). They
 * mix article reads, tracker pages, cheat-sheet captures, comments, new tracker entries and "mark as sent",
 * as seeded members (each with their own session and network address). Email goes through the
 * real outbox and the real Resend SDK to a local fake of Resend. Afterwards every write the
 * server acknowledged (a 303 after a form) is looked for in the database, the database's
 * integrity is checked, and every queued email must have reached the provider exactly once.
 *
 * `npm run load -- --faults` adds the faults, in the same run:
 *   - from 35 % of the run the email provider delivers messages but answers only 10 s later;
 *   - from 40 % of the run, as soon as the server holds a lease on a message the provider has
 *     delivered and not yet answered (polled in the database, 20 s at most or the run fails), the
 *     server is killed with SIGKILL, mid-load and mid-send, and started again at once on the same
 *     database (requests while it is down fail and are not acknowledged; a message it had sent
 *     but not recorded must not reach anyone twice);
 *   - the email provider answers 500 to everything from 50 % to 80 % of the run;
 * then it waits until the outbox is empty (messages the killed server had leased come back when
 * their lease expires, after a minute) and checks the same things.
 *
 * Exits 1 if anything is missing or broken; prints a Markdown report either way.
 * `npm run load -- --instances 2` runs two app instances on one database, each with its own
 * background jobs (email delivery leased message by message), the clients split between them as a
 * load balancer would; with --faults the first instance is the one killed.
 *
 *   LOAD_CLIENTS=50  LOAD_RATE=60  LOAD_SECONDS=30  LOAD_MEMBERS=300  LOAD_PORT=4521 (and up)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, rmSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@libsql/client';
import { startFakeResend } from '../tests/fakes/resend.ts';
import { interviewForm } from '../tests/fixtures/forms.ts';
import { createRandom } from './random.ts';
import { seedTracker, type OpenOpportunity } from './seed-tracker.ts';
import { serveFlags } from './serve-flags.ts';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const faults = process.argv.includes('--faults');
const CLIENTS = whole('LOAD_CLIENTS', 50);
const RATE = whole('LOAD_RATE', 60);
const SECONDS = whole('LOAD_SECONDS', 30);
const MEMBERS = Math.max(whole('LOAD_MEMBERS', 300), CLIENTS);
const PORT = whole('LOAD_PORT', 4521);
const instancesFlag = process.argv.indexOf('--instances');
const INSTANCES = instancesFlag === -1 ? 1 : Number(process.argv[instancesFlag + 1]);
if (!Number.isInteger(INSTANCES) || INSTANCES < 1 || INSTANCES > 8) {
  console.error('--instances takes a whole number from 1 to 8.');
  process.exit(1);
}
const origin = (instance: number) => `http://127.0.0.1:${PORT + instance}`;
const ARTICLES = [
  'thank-you-note-within-24-hours',
  'follow-up-after-networking-calls',
  'a-system-for-owning-every-follow-up',
];
const APP_SECRET = 'a-load-test-secret-that-is-at-least-32-characters';

function whole(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`${name} must be a whole number of at least 1, not "${process.env[name]}".`);
    process.exit(1);
  }
  return value;
}

type Operation = 'article' | 'tracker home' | 'tracker entry' | 'capture' | 'comment' | 'new entry' | 'mark as sent';
/** Of every 100 requests. Writes are 40 of them. */
const MIX: [Operation, number][] = [
  ['article', 40],
  ['tracker home', 12],
  ['tracker entry', 8],
  ['capture', 10],
  ['comment', 5],
  ['new entry', 13],
  ['mark as sent', 12],
];

/** A write the server acknowledged, and how to find it afterwards. */
interface Acknowledged {
  operation: Operation;
  sql: string;
  args: string[];
}

interface Outcome {
  latencies: number[];
  /** 5xx, a wrong status, or a broken connection while the server was meant to be up. */
  errors: number;
  /** Failed because the server was down on purpose (fault run only). */
  whileDown: number;
  firstError: string;
}

// ---------------------------------------------------------------- set-up
execFileSync(process.execPath, ['scripts/ensure-build.ts'], { stdio: 'inherit' });
const taskset = ['/usr/bin/taskset', '/bin/taskset'].find(existsSync);
const work = mkdtempSync(join(tmpdir(), 'otfu-load-'));
const databaseFile = join(work, 'load.db');
const databaseUrl = pathToFileURL(databaseFile).href;
execFileSync(process.execPath, ['scripts/db-migrate.ts'], {
  env: { ...process.env, DATABASE_URL: databaseUrl },
  stdio: 'ignore',
});
const seeded = await seedTracker(databaseUrl, { members: MEMBERS, perMember: 20, sessionsFor: MEMBERS, seed: 9 });
const sql = createClient({ url: databaseUrl });
const userIds = (await sql.execute('SELECT id FROM users ORDER BY rowid')).rows.map((row) => String(row['id']));
// Members' reply emails on, so comments can queue email too.
const resend = await startFakeResend();
const servers: ChildProcess[] = [];
const serverUp: boolean[] = [];
const logFile = join(work, 'server.log');

/** Starts instance n (its own port, the shared database) and waits until it answers. */
async function startAppServer(instance: number): Promise<number> {
  const log = openSync(logFile, 'a');
  const started = performance.now();
  const program = [process.execPath, ...serveFlags(), 'dist/server/main.mjs'];
  // One instance keeps to core 0 and leaves core 1 to the clients; several share both cores.
  const pin = taskset && INSTANCES === 1;
  const server = spawn(pin ? taskset : program[0]!, pin ? ['-c', '0', ...program] : program.slice(1), {
    env: {
      ...process.env,
      PORT: String(PORT + instance),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      TRUST_PROXY: 'true',
      APP_SECRET,
      BACKGROUND_JOBS: 'true',
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  for (;;) {
    try {
      if ((await fetch(`${origin(instance)}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (server.exitCode !== null) throw new Error(`the server stopped:\n${readFileSync(logFile, 'utf8')}`);
    await new Promise((done) => setTimeout(done, 25));
  }
  servers[instance] = server;
  serverUp[instance] = true;
  return performance.now() - started;
}

// With one instance on core 0, the clients (and the fake provider) keep to core 1.
if (taskset && INSTANCES === 1) execFileSync(taskset, ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
let firstStartMs = 0;
for (let instance = 0; instance < INSTANCES; instance++)
  firstStartMs = Math.max(firstStartMs, await startAppServer(instance));

// ---------------------------------------------------------------- one request
const agents = Array.from({ length: CLIENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));

interface Answer {
  status: number;
  location: string;
}

function send(client: number, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string) {
  return new Promise<Answer>((resolveAnswer, reject) => {
    const req = request(
      {
        agent: agents[client],
        host: '127.0.0.1',
        port: PORT + (client % INSTANCES),
        method,
        path,
        headers: {
          ...headers,
          ...(body === undefined
            ? {}
            : {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(body)),
                origin: 'http://localhost:4321',
              }),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolveAnswer({ status: response.statusCode ?? 0, location: String(response.headers.location ?? '') }),
        );
        response.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- the clients
const acknowledged: Acknowledged[] = [];
const outcomes = new Map<Operation, Outcome>(
  MIX.map(([operation]) => [operation, { latencies: [], errors: 0, whileDown: 0, firstError: '' }]),
);
const open: OpenOpportunity[][] = seeded.openOpportunities.map((list) => list.filter((entry) => entry.step));
const entriesOf: string[][] = seeded.openOpportunities.map((list) => list.map((entry) => entry.id));
let sequence = 0;
let visitors = 0;
let nextMember = 0;
let runStarted = 0;

const memberAddress = (member: number) => `10.${(member >> 8) & 255}.${member & 255}.7`;

/** One request of the mix, as a given member or visitor; returns how to check its write, if any. */
async function perform(client: number, operation: Operation, random: ReturnType<typeof createRandom>) {
  const member = nextMember++ % MEMBERS;
  const asMember = { cookie: seeded.cookies[member]!, 'x-forwarded-for': memberAddress(member) };
  const token = `load-${process.pid}-${++sequence}`;
  const expect = (answer: Answer, status: number, locationPrefix?: string) =>
    answer.status === status && (!locationPrefix || answer.location.startsWith(locationPrefix))
      ? null
      : `${operation}: status ${answer.status} ${answer.location}`;
  switch (operation) {
    case 'article':
      return { problem: expect(await send(client, 'GET', `/articles/${random.pick(ARTICLES)}`, {}), 200) };
    case 'tracker home':
      return { problem: expect(await send(client, 'GET', '/tracker', asMember), 200) };
    case 'tracker entry':
      return {
        problem: expect(await send(client, 'GET', `/tracker/o/${random.pick(entriesOf[member]!)}`, asMember), 200),
      };
    case 'capture': {
      // Each capture from a new reader on their own network, as readers arrive.
      const visitor = ++visitors;
      const email = `${token}@readers.example`;
      const answer = await send(
        client,
        'POST',
        '/cheat-sheet?_action=leads.capture',
        { 'x-forwarded-for': `172.${16 + ((visitor >> 16) & 15)}.${(visitor >> 8) & 255}.${visitor & 255}` },
        new URLSearchParams({
          email,
          consent: 'on',
          sourcePath: `/articles/${ARTICLES[0]}`,
          sourceArticle: ARTICLES[0]!,
        }).toString(),
      );
      // The page answers in place ("check your inbox"), so a capture is acknowledged with 200.
      return {
        problem: expect(answer, 200),
        write: { operation, sql: 'SELECT count(*) AS n FROM leads WHERE email = ?', args: [email] },
      };
    }
    case 'comment': {
      const slug = random.pick(ARTICLES);
      const body = `After my interview I sent a short thank-you the same day (${token}).`;
      const answer = await send(
        client,
        'POST',
        `/articles/${slug}/comments?_action=comments.post`,
        asMember,
        new URLSearchParams({ slug, body, back: 'comments' }).toString(),
      );
      return {
        problem: expect(answer, 303),
        write: {
          operation,
          sql: 'SELECT count(*) AS n FROM comments WHERE body = ? AND user_id = ?',
          args: [body, userIds[member]!],
        },
      };
    }
    case 'new entry': {
      const company = `Company ${token}`;
      const answer = await send(
        client,
        'POST',
        '/tracker/new?_action=tracker.create',
        asMember,
        new URLSearchParams(interviewForm({ company, roleTitle: 'Product Designer' })).toString(),
      );
      const id = /^\/tracker\/o\/([^?]+)/.exec(answer.location)?.[1];
      if (id) entriesOf[member]!.push(id);
      return {
        problem: expect(answer, 303, '/tracker/o/'),
        write: {
          operation,
          sql: 'SELECT count(*) AS n FROM opportunities WHERE id = ? AND company = ? AND user_id = ?',
          args: [id ?? '', company, userIds[member]!],
        },
      };
    }
    case 'mark as sent': {
      const entry = open[member]!.pop();
      if (!entry) return perform(client, 'tracker home', random);
      const body = `Thank you again for your time; I remain very interested (${token}).`;
      const answer = await send(
        client,
        'POST',
        `/tracker/o/${entry.id}?_action=tracker.markSent`,
        asMember,
        new URLSearchParams({ opportunityId: entry.id, step: entry.step, subject: 'Following up', body }).toString(),
      );
      return {
        problem: expect(answer, 303, `/tracker/o/${entry.id}`),
        write: {
          operation,
          sql: "SELECT count(*) AS n FROM touches WHERE opportunity_id = ? AND body = ? AND type = 'sent'",
          args: [entry.id, body],
        },
      };
    }
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A client: its share of the rate, on schedule, one request at a time on its own connection. */
async function client(index: number): Promise<void> {
  const random = createRandom(1000 + index);
  const weights = MIX.flatMap(([operation, weight]) => Array<Operation>(weight).fill(operation));
  const interval = (CLIENTS / RATE) * 1000;
  const end = performance.now() + SECONDS * 1000;
  for (let due = performance.now() + (index / CLIENTS) * interval; due < end; due += interval) {
    if (due > performance.now()) await sleep(due - performance.now());
    const operation = random.pick(weights);
    const outcome = outcomes.get(operation)!;
    const upWhenSent = serverUp[index % INSTANCES];
    try {
      const { problem, write } = await perform(index, operation, random);
      if (problem) {
        outcome.errors++;
        outcome.firstError ||= problem;
      } else {
        outcome.latencies.push(performance.now() - due);
        if (write) acknowledged.push(write);
      }
    } catch (error) {
      if (faults && (!upWhenSent || !serverUp[index % INSTANCES])) {
        outcome.whileDown++;
      } else {
        outcome.errors++;
        outcome.firstError ||= `${operation}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
}

// ---------------------------------------------------------------- the faults
const events: string[] = [];
let restartMs = 0;
let killedAt = 0;
/** The messages leased when the server was killed: the only ones that may be sent twice (same key). */
const leasedAtKill = new Set<string>();
const at = (fraction: number, action: () => void | Promise<void>) =>
  new Promise<void>((done) =>
    setTimeout(
      () =>
        void Promise.resolve(action()).then(
          () => done(),
          (error: unknown) => {
            events.push(`FAILED: ${String(error)}`);
            done();
          },
        ),
      SECONDS * 1000 * fraction,
    ),
  );
/** The faults, timed from the start of the measured run. */
const scheduleFaults = () =>
  faults
    ? [
        at(0.35, () => {
          resend.answerDelayMs = 10_000;
          events.push(`${(SECONDS * 0.35).toFixed(1)} s: email provider delivers but answers 10 s late`);
        }),
        at(0.4, async () => {
          // The kill must land mid-send: wait for that state rather than trust the clock.
          let held: string[];
          try {
            held = await leasedAndHeld(KILL_STATE_DEADLINE_MS);
          } finally {
            resend.answerDelayMs = 0;
          }
          const queued = await outboxByStatus();
          const leased = await sql.execute("SELECT idempotency_key FROM outbox WHERE status = 'sending'");
          for (const row of leased.rows) leasedAtKill.add(String(row['idempotency_key']));
          heldAtKill = held.length;
          serverUp[0] = false;
          killedAt = Date.now();
          const exited = new Promise((done) =>
            servers[0]!.exitCode === null ? servers[0]!.once('exit', done) : done(undefined),
          );
          servers[0]!.kill('SIGKILL');
          await exited;
          events.push(
            `${((killedAt - runStarted) / 1000).toFixed(1)} s: ${INSTANCES > 1 ? 'first instance' : 'server'} killed with SIGKILL, with ${held.length} leased message(s) delivered and their answers held by the provider (outbox then: ${JSON.stringify(queued)})`,
          );
          restartMs = await startAppServer(0);
          events.push(
            `${((Date.now() - runStarted) / 1000).toFixed(1)} s: server answering again, ${Math.round(restartMs)} ms after the restart began`,
          );
        }),
        at(0.5, () => {
          resend.failNext(Number.MAX_SAFE_INTEGER, 500);
          events.push(`${(SECONDS * 0.5).toFixed(1)} s: email provider starts answering 500 to everything`);
        }),
        at(0.8, () => {
          resend.failNext(0);
          events.push(`${(SECONDS * 0.8).toFixed(1)} s: email provider back`);
        }),
      ]
    : [];

/** How long the kill waits for its state before the run fails: the provider answers late from 35 %. */
const KILL_STATE_DEADLINE_MS = 20_000;
let heldAtKill = 0;

/**
 * Resolves with the messages leased (status 'sending') that the provider has delivered and is
 * holding the answer to: a kill now is mid-send. Polls the database as the suite's crash test
 * does; throws if that state has not come by the deadline.
 */
async function leasedAndHeld(deadlineMs: number): Promise<string[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const leased = await sql.execute("SELECT idempotency_key FROM outbox WHERE status = 'sending'");
    const held = leased.rows.map((row) => String(row['idempotency_key'])).filter((key) => resend.held.has(key));
    if (held.length > 0) return held;
    if (Date.now() > deadline) {
      throw new Error(
        `no leased message was waiting for the provider's answer ${deadlineMs / 1000} s after the kill was due (outbox: ${JSON.stringify(await outboxByStatus())}; provider holding ${resend.held.size} answers): the kill would not land mid-send`,
      );
    }
    await sleep(25);
  }
}

async function outboxByStatus(): Promise<Record<string, number>> {
  const rows = (await sql.execute('SELECT status, count(*) AS n FROM outbox GROUP BY status')).rows;
  return Object.fromEntries(rows.map((row) => [String(row['status']), Number(row['n'])]));
}

// Every kind of request a few times before the clock starts, as a running site would have them
// warm: the first of each loads and compiles its code (the email templates, say: ~100 ms).
// Their writes are checked with the rest.
for (let round = 0; round < 3; round++) {
  for (const [operation] of MIX) {
    const { problem, write } = await perform(0, operation, createRandom(round));
    if (problem) throw new Error(`warming up: ${problem}`);
    if (write) acknowledged.push(write);
  }
}

console.log(
  `Load: ${CLIENTS} clients, ${RATE} requests a second for ${SECONDS} s against ${INSTANCES === 1 ? origin(0) : `${INSTANCES} instances on one database`} (${MEMBERS} members seeded in ${Math.round(seeded.ms)} ms)${faults ? ', with faults' : ''}…`,
);
runStarted = Date.now();
const scheduled = scheduleFaults();
await Promise.all([...Array.from({ length: CLIENTS }, (_, index) => client(index)), ...scheduled]);
const loadMs = Date.now() - runStarted;

// ---------------------------------------------------------------- afterwards
const drainStarted = Date.now();
let outbox = await outboxByStatus();
while ((outbox['pending'] ?? 0) + (outbox['sending'] ?? 0) > 0 && Date.now() - drainStarted < 240_000) {
  await new Promise((done) => setTimeout(done, 1000));
  outbox = await outboxByStatus();
}
const drainMs = Date.now() - drainStarted;
await Promise.all(
  servers.map((server) => {
    const stopped = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    return stopped;
  }),
);

const missing: Acknowledged[] = [];
for (const write of acknowledged) {
  const found = Number((await sql.execute({ sql: write.sql, args: write.args })).rows[0]!['n']);
  if (found !== 1) missing.push(write);
}
const integrity = String((await sql.execute('PRAGMA integrity_check')).rows[0]![0]);
const foreignKeyProblems = (await sql.execute('PRAGMA foreign_key_check')).rows.length;
const outboxRows = (await sql.execute('SELECT idempotency_key, status FROM outbox')).rows;
const deliveredKeys = new Map<string, number>();
for (const delivery of resend.deliveries)
  deliveredKeys.set(delivery.idempotencyKey ?? '', (deliveredKeys.get(delivery.idempotencyKey ?? '') ?? 0) + 1);
const notSent = outboxRows.filter((row) => row['status'] !== 'sent').length;
const neverDelivered = outboxRows.filter((row) => !deliveredKeys.has(String(row['idempotency_key']))).length;
// The provider drops a repeat of a key it has delivered (as Resend does), so what is checked is
// our side: a message is sent again only if the killed server held its lease, with the same key.
const resentOutsideLeases = [...resend.sendsByKey].filter(([key, sends]) => sends > 1 && !leasedAtKill.has(key)).length;
const resentAfterKill = [...resend.sendsByKey].filter(([key, sends]) => sends > 1 && leasedAtKill.has(key)).length;
const unknownDeliveries = [...deliveredKeys.keys()].filter(
  (key) => !outboxRows.some((row) => row['idempotency_key'] === key),
).length;
sql.close();
await resend.close();

// ---------------------------------------------------------------- the report
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const all = [...outcomes.values()].flatMap((outcome) => outcome.latencies).sort((a, b) => a - b);
const errors = [...outcomes.values()].reduce((sum, outcome) => sum + outcome.errors, 0);
const whileDown = [...outcomes.values()].reduce((sum, outcome) => sum + outcome.whileDown, 0);

console.log(
  `\n${faults ? 'Load with faults' : 'Mixed load'}${INSTANCES > 1 ? ` on ${INSTANCES} instances` : ''}: ${CLIENTS} clients at ${RATE} req/s for ${(loadMs / 1000).toFixed(1)} s: ${all.length} answered (${(all.length / (loadMs / 1000)).toFixed(0)} req/s), ${acknowledged.length} writes acknowledged\n`,
);
console.log(
  row(['request', 'answered', 'p50', 'p90', 'p99', 'max', 'errors', ...(faults ? ['failed while down'] : [])]),
);
console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', ...(faults ? ['---:'] : [])]));
for (const [operation, outcome] of [
  ...outcomes,
  ['all' as Operation, { latencies: all, errors, whileDown, firstError: '' }] as const,
]) {
  const sorted = [...outcome.latencies].sort((a, b) => a - b);
  console.log(
    row([
      operation,
      sorted.length,
      ms(percentile(sorted, 50)),
      ms(percentile(sorted, 90)),
      ms(percentile(sorted, 99)),
      ms(sorted.at(-1) ?? 0),
      outcome.errors,
      ...(faults ? [outcome.whileDown] : []),
    ]),
  );
}
for (const event of events) console.log(`- ${event}`);
const checks: [string, boolean][] = [
  [`errors (5xx, wrong answers, broken connections while up): ${errors}`, errors === 0],
  [
    `acknowledged writes present afterwards: ${acknowledged.length - missing.length} of ${acknowledged.length}`,
    missing.length === 0,
  ],
  [
    `database integrity check: ${integrity}; foreign key problems: ${foreignKeyProblems}`,
    integrity === 'ok' && foreignKeyProblems === 0,
  ],
  [
    `emails queued: ${outboxRows.length}; sent: ${outboxRows.length - notSent}; reached the provider: ${outboxRows.length - neverDelivered}; delivered under a key never queued: ${unknownDeliveries}; sent more than once by us, other than messages leased at the kill: ${resentOutsideLeases} (outbox empty ${(drainMs / 1000).toFixed(1)} s after the load; ${resend.requests} requests to the provider)`,
    notSent === 0 &&
      neverDelivered === 0 &&
      resentOutsideLeases === 0 &&
      unknownDeliveries === 0 &&
      outboxRows.length > 0,
  ],
];
if (faults) {
  checks.push([
    `killed and restarted: ${killedAt > 0 ? `yes, answering again in ${Math.round(restartMs)} ms` : 'NO'}`,
    killedAt > 0 && !events.some((e) => e.startsWith('FAILED')),
  ]);
  // With one instance the kill must land mid-send, or the run proved nothing about it.
  checks.push([
    `killed mid-send: ${leasedAtKill.size} messages leased at the kill${INSTANCES > 1 ? ' (by either instance)' : ''}, ${heldAtKill} of them delivered with the answer held back; ${resentAfterKill} of them had already reached the provider and were sent again with the same key once the lease expired (${resend.repeated} repeats the provider dropped)`,
    heldAtKill > 0 && (INSTANCES > 1 || leasedAtKill.size > 0),
  ]);
}
console.log(
  `\nFirst start ${Math.round(firstStartMs)} ms. Requests that failed while the server was down on purpose: ${whileDown}.`,
);
for (const [text, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${text}`);
for (const write of missing.slice(0, 5)) console.log(`  missing: ${write.operation} ${write.args.join(' ')}`);
for (const outcome of outcomes.values()) if (outcome.firstError) console.log(`  first error: ${outcome.firstError}`);
const passed = checks.every(([, ok]) => ok);
if (passed) rmSync(work, { recursive: true, force: true });
else console.log(`Kept for a look: ${work} (server.log, load.db)`);
process.exit(passed ? 0 : 1);
