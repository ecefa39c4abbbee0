/**
 * All background work of the site, in one list: what each app instance runs (src/lib/app/jobs.server.ts)
 * unless BACKGROUND_JOBS=false, and what `npm run worker` (server/worker.ts) runs instead. A new
 * periodic job is added here, and nowhere else. Every job is safe on several processes at once:
 * email is leased message by message, and what the others queue is claimed with a conditional
 * write. No astro: imports: the app context comes in as an argument.
 */
import type { AppContext } from '../context.server.ts';
import { deliverDueBatches, deliverDueEmails, releaseLeases } from '../../email/outbox.server.ts';
import { refreshRollup } from '../../funnel/counts.server.ts';
import { runNurture } from '../../marketing/sequence.server.ts';
import { pruneRateLimits } from '../../http/rate-limit.server.ts';
import { runReminders } from '../../tracker/reminders.server.ts';
import { pruneRetainedData } from '../../data/retention.server.ts';
import { queueDueBroadcasts } from '../../marketing/broadcasts.server.ts';

/** What a run did, counted, for its log line. */
export type JobReport = Record<string, number>;

export interface Job {
  name: string;
  everyMs: number;
  /** One run. Returns what it did when it did anything. Stops early once `signal` aborts. */
  run(signal: AbortSignal): Promise<JobReport | undefined>;
  /** When the process stops, after its runs have ended or been given up on: gives back what it holds. */
  release?(): Promise<JobReport | undefined>;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The context of one run: the clock read once, as the run's time. */
const atNow = (app: AppContext): AppContext => {
  const now = app.clock();
  return { ...app, clock: () => now };
};

/** The counts when a job did something; nothing when it did not. */
const did = (counts: JobReport): JobReport | undefined =>
  Object.values(counts).some((n) => n > 0) ? counts : undefined;

/**
 * The jobs, run with `app` (its clock says when each run is; links in emails point to its site
 * URL, the one the site was built for). `workerId` names this process on the outbox leases it takes.
 */
export function backgroundJobs(app: AppContext, workerId: string): Job[] {
  const { db, clock } = app;
  const { transport, from } = app.email;
  return [
    {
      name: 'deliver-email',
      everyMs: 2 * SECOND,
      run: async (signal) =>
        did({ ...(await deliverDueEmails({ db, transport, from, workerId, now: clock(), signal })) }),
      release: async () => did({ released: await releaseLeases(db, workerId, clock()) }),
    },
    {
      // Scheduled broadcasts, rendered once and queued recipient by recipient in batches; the
      // batch delivery job sends them.
      name: 'queue-broadcasts',
      everyMs: 2 * SECOND,
      run: async (signal) => did({ ...(await queueDueBroadcasts(app, { signal })) }),
    },
    {
      // Newsletters, 100 emails a call, EMAIL_SEND_RATE calls a second across every process. Its
      // leases are given back by deliver-email's release (the same outbox, the same worker id).
      name: 'deliver-batches',
      everyMs: SECOND,
      run: async (signal) =>
        did({
          ...(await deliverDueBatches({
            db,
            transport,
            from,
            workerId,
            clock,
            ratePerSecond: app.config.email.sendRate,
            signal,
          })),
        }),
    },
    {
      name: 'nurture',
      everyMs: MINUTE,
      run: async () => did({ queued: await runNurture(atNow(app)) }),
    },
    {
      name: 'tracker-reminders',
      everyMs: 5 * MINUTE,
      run: async () => did({ queued: await runReminders(atNow(app)) }),
    },
    {
      // The dashboard also catches up on its own; this keeps its first request after midnight fast.
      name: 'funnel-rollup',
      everyMs: 10 * MINUTE,
      run: async () => {
        await refreshRollup(db, clock());
        return undefined;
      },
    },
    {
      // Bodies of messages whose one-time link has died, old bodies and rows, dead links and
      // sessions (README "What is kept and for how long"): every 5 minutes, so a 15-minute
      // sign-in link's email is erased at most 5 minutes after the link stops working.
      name: 'prune-retained-data',
      everyMs: 5 * MINUTE,
      run: async () => did({ ...(await pruneRetainedData(db, clock())) }),
    },
    {
      name: 'prune-rate-limits',
      everyMs: HOUR,
      run: async () => {
        await pruneRateLimits(db, 48 * HOUR, clock().getTime());
        return undefined;
      },
    },
  ];
}
