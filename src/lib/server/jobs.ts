/**
 * Background jobs of an app instance: deliver due email every few seconds, queue due nurture
 * email every minute, queue tracker reminders every 5 minutes, prune old rate-limit counters hourly. Each job skips a tick while its
 * previous run is still going. Off with BACKGROUND_JOBS=false (e.g. when `npm run worker`
 * delivers email in its own process).
 */
import { BACKGROUND_JOBS } from 'astro:env/server';
import { randomUUID } from 'node:crypto';
import { db } from './db';
import { emailFrom, emailTransport, leadContext, signingSecret, siteUrl } from './config';
import { deliverDueEmails } from './email/outbox.ts';
import { runNurture } from './leads.ts';
import { pruneRateLimits } from './rate-limit.ts';
import { runReminders } from './reminders.ts';

const workerId = `web-${randomUUID()}`;
let started = false;

function every(ms: number, job: () => Promise<unknown>): void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await job();
    } catch (error) {
      console.error('background job failed', error);
    } finally {
      running = false;
    }
  };
  setInterval(tick, ms).unref();
  setTimeout(tick, 0).unref();
}

export function startBackgroundJobs(): void {
  if (started || !BACKGROUND_JOBS) return;
  started = true;
  every(2_000, () => deliverDueEmails({ db, transport: emailTransport, from: emailFrom, workerId }));
  every(60_000, async () => runNurture(await leadContext()));
  every(300_000, async () => runReminders({ db, secret: await signingSecret(), siteUrl }));
  every(3_600_000, () => pruneRateLimits(db, 2 * 86_400_000));
}
