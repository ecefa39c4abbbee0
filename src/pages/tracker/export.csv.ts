import type { APIRoute } from 'astro';
import { trackerData } from '../../lib/tracker/tracker.server';
import { trackerCsv } from '../../lib/tracker/csv';

export const prerender = false;

/** The member's conversations as CSV, one row each: the same columns the importer reads. */
export const GET: APIRoute = async ({ locals }) => {
  if (!locals.user) return new Response('Sign in to export your tracker.', { status: 401 });
  const data = await trackerData(locals.app.db, locals.user);
  return new Response(trackerCsv(data.opportunities, data.conversations, locals.user.timeZone), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="follow-up-tracker.csv"',
      'cache-control': 'private, no-store',
    },
  });
};
