/**
 * The background jobs of an app instance: the one job list (background/jobs.ts), with this
 * instance's configuration. Off with BACKGROUND_JOBS=false, when `npm run worker` runs the same
 * list in its own process.
 */
import { BACKGROUND_JOBS } from 'astro:env/server';
import { randomUUID } from 'node:crypto';
import { backgroundJobs } from './background/jobs.ts';
import { startJobs } from './background/runner.ts';
import { emailFrom, emailTransport, signingSecret, siteUrl } from './config';
import { db } from './db';
import { logger } from './log.ts';

const log = logger('web');
let started = false;

/** Starts the jobs once the database is ready (the middleware and /healthz call this after ensureDatabase). */
export function startBackgroundJobs(): void {
  if (started || !BACKGROUND_JOBS) return;
  started = true;
  signingSecret().then(
    (secret) => {
      const jobs = backgroundJobs({
        db,
        transport: emailTransport,
        from: emailFrom,
        secret,
        siteUrl,
        clock: () => new Date(),
        workerId: `web-${randomUUID()}`,
      });
      startJobs(jobs, { log, unref: true });
    },
    (error: unknown) => {
      started = false;
      log.error({ err: error }, 'background jobs not started: the signing secret could not be read');
    },
  );
}
