/**
 * `npm run worker`: all the site's background work in a process of its own (email delivery,
 * nurture email, tracker reminders, the funnel rollup, rate-limit pruning), the same job list an
 * app instance runs (src/lib/app/background/jobs.server.ts). Run web instances with
 * BACKGROUND_JOBS=false and one or more of these against the same database.
 *
 * It is bundled with the server into dist/server/worker.mjs (astro.config.mjs), so it runs the
 * same build: links in its emails point to the public origin the build was made for (SITE_URL at
 * build time; if SITE_URL is set here too it must agree). It reads the same environment as the
 * server, validated against the same declarations; refuses a database with migrations not yet
 * applied unless MIGRATE_ON_START=true; and on SIGTERM or SIGINT stops taking work, gives running
 * jobs a few seconds, gives back the email it still holds and exits 0.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, prepareDatabase, type Database } from '../db/connect.ts';
import { startJobs, type RunningJobs } from '../src/lib/app/background/runner.server.ts';
import { configuredTransport } from '../src/lib/email/transport.server.ts';
import { readEnvironment } from '../src/lib/app/env-schema.ts';
import { logger } from '../src/lib/app/log.server.ts';
import { projectRoot } from './project-root.ts';
import { loadSigningSecret } from '../src/lib/auth/signing-secret.server.ts';

declare const __SITE_URL__: string;
/** How long running jobs get to finish after SIGTERM before their email is released. */
const GRACE_MS = 3000;

const root = projectRoot(import.meta.dirname);
process.chdir(root);
if (existsSync('.env')) process.loadEnvFile('.env');
const log = logger('worker');
// The email templates' React picks its build when it loads: the jobs are imported below, after this.
process.env.NODE_ENV ??= 'production';

/** What a stop has to close: filled in as the worker starts. */
const held: { db?: Database; jobs?: RunningJobs } = {};
let stopping = false;

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'worker stopping');
  await held.jobs?.stop(GRACE_MS);
  held.db?.$client.close();
  log.info('worker stopped');
  process.exit(0);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, (name) => void stop(name));

function refuse(message: string): never {
  log.fatal(`The worker did not start: ${message}`);
  process.exit(1);
}

let env: ReturnType<typeof readEnvironment>;
try {
  env = readEnvironment();
} catch (error) {
  refuse(error instanceof Error ? error.message : String(error));
}

const site = new URL(__SITE_URL__).origin;
const siteHere = process.env.SITE_URL;
if (siteHere && (!URL.canParse(siteHere) || new URL(siteHere).origin !== site)) {
  refuse(
    `SITE_URL is ${siteHere} here, but this build (dist/) was made for ${site}: links in emails must point ` +
      'where the site is. Run the worker with the build the web instances serve, or unset SITE_URL here.',
  );
}

// DATABASE_URL and EMAIL_FROM have defaults: validated, they are always set.
const db = (held.db = openDatabase({
  url: env.DATABASE_URL!,
  authToken: env.DATABASE_AUTH_TOKEN,
  busyTimeoutMs: env.DATABASE_BUSY_TIMEOUT_MS,
}));
try {
  await prepareDatabase(db, resolve(root, 'db/migrations'), { migrate: env.MIGRATE_ON_START === true });
} catch (error) {
  refuse(error instanceof Error ? error.message : String(error));
}
const secret = await loadSigningSecret(db, env.APP_SECRET);
const { backgroundJobs } = await import('../src/lib/app/background/jobs.server.ts');

if (!stopping) {
  const workerId = `worker-${randomUUID()}`;
  const transport = configuredTransport(env.RESEND_API_KEY, env.RESEND_BASE_URL);
  const list = backgroundJobs({
    db,
    transport,
    from: env.EMAIL_FROM!,
    secret,
    siteUrl: __SITE_URL__,
    clock: () => new Date(),
    workerId,
  });
  held.jobs = startJobs(list, { log });
  log.info(
    {
      workerId,
      email: transport.name,
      site,
      jobs: list.map((job) => `${job.name} every ${job.everyMs / 1000} s`),
    },
    'worker started',
  );
}
