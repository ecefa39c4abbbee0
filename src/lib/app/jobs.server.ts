/**
 * The background jobs of an app instance: the one job list (background/jobs.ts), with this
 * instance's configuration. Off with BACKGROUND_JOBS=false, when `npm run worker` runs the same
 * list in its own process.
 */
import { BACKGROUND_JOBS } from 'astro:env/server';
import { randomUUID } from 'node:crypto';
import { backgroundJobs } from './background/jobs.server.ts';
import { startJobs } from './background/runner.server.ts';
import { emailFrom, emailTransport, signingSecret, siteUrl } from './config.server';
import { db } from './db.server';
import { logger } from './log.server.ts';

const log = logger('web');
/** Where the running jobs' stop is left for the server, which is bundled apart from Astro's code. */
export const STOP_JOBS = Symbol.for('own-the-follow-up.stop-background-jobs');
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
      const running = startJobs(jobs, { log, unref: true });
      // server/main.ts calls this on SIGTERM, so a stopping instance hands back the messages it holds
      // instead of leaving them to wait out their lease.
      (globalThis as { [STOP_JOBS]?: (graceMs: number) => Promise<void> })[STOP_JOBS] = (graceMs) =>
        running.stop(graceMs);
    },
    (error: unknown) => {
      started = false;
      log.error({ err: error }, 'background jobs not started: the signing secret could not be read');
    },
  );
}
