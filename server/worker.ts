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
import { openDatabase, type Database } from '../db/connect.ts';
import { startJobs, type RunningJobs } from '../src/lib/app/background/runner.server.ts';
import { readConfig } from '../src/lib/app/config.ts';
import type { AppContext } from '../src/lib/app/context.server.ts';
import { readEnvironment } from '../src/lib/app/env-schema.ts';
import { logger } from '../src/lib/app/log.server.ts';
import { projectRoot } from './project-root.ts';

declare const __SITE_URL__: string;
/** How long running jobs get to finish after SIGTERM before their email is released. */
const GRACE_MS = 3000;

const root = projectRoot(import.meta.dirname);
process.chdir(root);
if (existsSync('.env')) process.loadEnvFile('.env');
const log = logger('worker');
// The email templates' React picks its build when it loads: the app context and the jobs are
// imported below, after this.
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

// The app context of the web instances, from the same settings; links point to the built-for origin.
const config = readConfig({ ...env, SITE_URL: __SITE_URL__ });
const db = (held.db = openDatabase({ ...config.database, fastReads: true }));
const { openAppContext } = await import('../src/lib/app/context.server.ts');
let app: AppContext;
try {
  app = await openAppContext(config, db, { migrationsFolder: resolve(root, 'db/migrations') });
} catch (error) {
  refuse(error instanceof Error ? error.message : String(error));
}
const { backgroundJobs } = await import('../src/lib/app/background/jobs.server.ts');

if (!stopping) {
  const workerId = `worker-${randomUUID()}`;
  const list = backgroundJobs(app, workerId);
  held.jobs = startJobs(list, { log });
  log.info(
    {
      workerId,
      email: app.email.transport.name,
      site,
      jobs: list.map((job) => `${job.name} every ${job.everyMs / 1000} s`),
    },
    'worker started',
  );
}
