import type { APIRoute } from 'astro';
import { checkDatabase, PendingMigrationsError } from '../../db/connect.ts';
import { db, ensureDatabase } from '../lib/server/db';
import { startBackgroundJobs } from '../lib/server/jobs';

export const prerender = false;

/** Liveness and database check for load balancers and uptime monitors. Never cached. */
export const GET: APIRoute = async () => {
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  try {
    await ensureDatabase();
    startBackgroundJobs();
    const { migrations } = await checkDatabase(db);
    return new Response(JSON.stringify({ status: 'ok', database: 'ok', migrations }), { headers });
  } catch (error) {
    const pending = error instanceof PendingMigrationsError;
    // The message names the command that fixes it; the server's self-check prints it at start.
    if (pending) console.error(`healthz: ${error.message}`);
    else console.error('healthz: database check failed', error);
    return new Response(JSON.stringify({ status: 'error', database: pending ? 'migrations pending' : 'unreachable' }), {
      status: 503,
      headers,
    });
  }
};
