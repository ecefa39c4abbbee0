/**
 * The background jobs of an app instance: the one job list (background/jobs.ts), run with this
 * instance's app context. Off with BACKGROUND_JOBS=false, when `npm run worker` runs the same
 * list in its own process.
 */
import { randomUUID } from 'node:crypto';
import { backgroundJobs } from './background/jobs.server.ts';
import { startJobs } from './background/runner.server.ts';
import type { AppContext } from './context.server.ts';
import { logger } from './log.server.ts';

const log = logger('web');
/** Where the running jobs' stop is left for the server, which is bundled apart from Astro's code. */
export const STOP_JOBS = Symbol.for('own-the-follow-up.stop-background-jobs');
let started = false;

/** Starts the jobs once, when the app context is first built (instance.server.ts). */
export function startBackgroundJobs(app: AppContext): void {
  if (started || !app.config.backgroundJobs) return;
  started = true;
  const jobs = backgroundJobs(app, `web-${randomUUID()}`);
  const running = startJobs(jobs, { log, unref: true });
  // server/main.ts calls this on SIGTERM, so a stopping instance hands back the messages it holds
  // instead of leaving them to wait out their lease.
  (globalThis as { [STOP_JOBS]?: (graceMs: number) => Promise<void> })[STOP_JOBS] = (graceMs) => running.stop(graceMs);
}
