import type { APIRoute } from 'astro';
import { exportComments } from '../../../lib/comments/transfer.server';
import { jsonAttachmentResponse } from '../../../lib/http/attachment';

export const prerender = false;

/** Every comment, for backups and moving: the coach only. */
export const GET: APIRoute = async ({ locals }) => {
  if (locals.user?.role !== 'coach') return new Response('Not found', { status: 404 });
  return jsonAttachmentResponse(await exportComments(locals.app.db), 'comments.json');
};
