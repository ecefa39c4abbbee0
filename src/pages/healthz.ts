import type { APIRoute } from 'astro';
import { checkHealth } from '../lib/app/health.server';
import { appContext } from '../lib/app/instance.server';
import { currentRequest } from '../lib/app/log.server';

export const prerender = false;

/**
 * Liveness and database check for load balancers and uptime monitors. Never cached. It also says
 * whether the local mail viewer is on, and why, which the server logs when it starts. The
 * middleware leaves the app context to this route, which reports a broken database itself.
 */
export const GET: APIRoute = async ({ request }) => {
  const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  const health = await checkHealth(appContext);
  if (health.ok) {
    const { migrations, mailViewer } = health;
    return new Response(JSON.stringify({ status: 'ok', database: 'ok', migrations, mailViewer }), { headers });
  }
  // Logged with the request (server/main.ts); a refusal's message names the command that fixes it.
  const record = currentRequest();
  if (record) record.error = health.error;
  const requestId = request.headers.get('x-request-id');
  return new Response(JSON.stringify({ status: 'error', database: health.database, requestId }), {
    status: 503,
    headers,
  });
};
