import type { APIRoute } from 'astro';
import { jsonAttachmentResponse } from '../../lib/http/attachment';
import { trackerData } from '../../lib/tracker/transfer.server';
import { trackerJson } from '../../lib/tracker/tracker-json';

export const prerender = false;

/** Everything in the member's tracker, as the import reads it back (src/lib/tracker/tracker-json.ts). */
export const GET: APIRoute = async ({ locals }) => {
  if (!locals.user) return new Response('Sign in to export your tracker.', { status: 401 });
  const data = await trackerData(locals.app.db, locals.user);
  const body = trackerJson({
    exportedAt: new Date(),
    timeZone: locals.user.timeZone,
    opportunities: data.raw,
    conversations: data.conversations,
    touches: data.touches,
  });
  return jsonAttachmentResponse(body, 'follow-up-tracker.json');
};
