import type { APIRoute } from 'astro';
import { exportComments } from '../../../lib/comments/transfer.server';

export const prerender = false;

/** Every comment, for backups and moving: the coach only. */
export const GET: APIRoute = async ({ locals }) => {
  if (locals.user?.role !== 'coach') return new Response('Not found', { status: 404 });
  return new Response(JSON.stringify(await exportComments(locals.app.db), null, 2), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="comments.json"',
      'cache-control': 'private, no-store',
    },
  });
};
