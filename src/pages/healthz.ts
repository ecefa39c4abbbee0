import type { APIRoute } from 'astro';
import { checkDatabase, PendingMigrationsError } from '../../db/connect.ts';
import { db, ensureDatabase } from '../lib/app/db.server';
import { currentRequest } from '../lib/app/log.server';
import { startBackgroundJobs } from '../lib/app/jobs.server';
import { mailViewer } from '../lib/email/mail-viewer.server';

export const prerender = false;

/**
 * Liveness and database check for load balancers and uptime monitors. Never cached. It also says
 * whether the local mail viewer is on, and why, which the server logs when it starts.
 */
export const GET: APIRoute = async ({ request }) => {
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  try {
    await ensureDatabase();
    startBackgroundJobs();
    const { migrations } = await checkDatabase(db);
    return new Response(JSON.stringify({ status: 'ok', database: 'ok', migrations, mailViewer }), { headers });
  } catch (error) {
    // Logged with the request (server/main.ts); a refusal's message names the command that fixes it.
    const record = currentRequest();
    if (record) record.error = error;
    const requestId = request.headers.get('x-request-id');
    const database = error instanceof PendingMigrationsError ? 'migrations pending' : 'unreachable';
    return new Response(JSON.stringify({ status: 'error', database, requestId }), {
      status: 503,
      headers,
    });
  }
};
