/**
 * Runs the job list: each job at once, then every `everyMs`, skipping a tick while its previous
 * run is still going; a failed run is logged and the next tick tries again. `stop` stops taking
 * work, gives the runs in progress a grace period, then lets each job release what it holds.
 * A run that did something is logged at info, one that did nothing at debug.
 */
import type { Logger } from 'pino';
import type { Job } from './jobs.server.ts';

export interface RunningJobs {
  stop(graceMs: number): Promise<void>;
}

export interface RunOptions {
  /** The process's logger (src/lib/app/log.server.ts). */
  log: Pick<Logger, 'info' | 'debug' | 'error'>;
  /** Let the process exit while jobs are scheduled (an app instance, whose server keeps it alive). */
  unref?: boolean;
}

export function startJobs(jobs: Job[], { log, unref = false }: RunOptions): RunningJobs {
  const stopping = new AbortController();
  const running = new Map<Job, Promise<void>>();
  const timers: NodeJS.Timeout[] = [];

  const tick = (job: Job) => {
    if (stopping.signal.aborted || running.has(job)) return;
    const run = Promise.resolve()
      .then(() => job.run(stopping.signal))
      .then(
        (report) =>
          report ? log.info({ job: job.name, ...report }, 'job ran') : log.debug({ job: job.name }, 'job ran'),
        (error: unknown) => log.error({ job: job.name, err: error }, 'job failed'),
      )
      .finally(() => running.delete(job));
    running.set(job, run);
  };

  for (const job of jobs) {
    timers.push(
      setTimeout(() => tick(job), 0),
      setInterval(() => tick(job), job.everyMs),
    );
  }
  if (unref) for (const timer of timers) timer.unref();

  return {
    async stop(graceMs) {
      stopping.abort();
      for (const timer of timers) clearInterval(timer);
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(running.values()), grace]);
      clearTimeout(graceTimer);
      if (running.size > 0) {
        log.info({ jobs: [...running.keys()].map((job) => job.name) }, 'not waiting longer for running jobs');
      }
      for (const job of jobs) {
        try {
          const report = await job.release?.();
          if (report) log.info({ job: job.name, ...report }, 'job released');
        } catch (error) {
          log.error({ job: job.name, err: error }, 'job could not release');
        }
      }
    },
  };
}
