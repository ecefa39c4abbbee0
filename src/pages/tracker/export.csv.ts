import type { APIRoute } from 'astro';
import { trackerData } from '../../lib/tracker/transfer.server';
import { trackerCsv } from '../../lib/tracker/csv';
import { csvResponse } from '../../lib/http/attachment';

export const prerender = false;

/** The member's conversations as CSV, one row each: the same columns the importer reads. */
export const GET: APIRoute = async ({ locals }) => {
  if (!locals.user) return new Response('Sign in to export your tracker.', { status: 401 });
  const data = await trackerData(locals.app.db, locals.user);
  return csvResponse(trackerCsv(data.opportunities, data.conversations, locals.user.timeZone), 'follow-up-tracker.csv');
};
