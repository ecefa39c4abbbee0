import type { APIRoute } from 'astro';
import { jsonAttachmentResponse } from '../../lib/http/attachment';
import { asOpportunityRow, trackerData } from '../../lib/tracker/transfer.server';

export const prerender = false;

/** Everything in the member's tracker: entries with their conversations and touches. */
export const GET: APIRoute = async ({ locals }) => {
  if (!locals.user) return new Response('Sign in to export your tracker.', { status: 401 });
  const data = await trackerData(locals.app.db, locals.user);
  const body = {
    exportedAt: new Date().toISOString(),
    timeZone: locals.user.timeZone,
    opportunities: data.raw.map((row) => ({
      ...asOpportunityRow(row),
      next: { state: row.planState, step: row.planStep, dueAt: row.planDueAt, reason: row.planReason },
      conversations: data.conversations
        .filter((item) => item.opportunityId === row.id)
        .map(({ opportunityId: _, ...item }) => item),
      touches: data.touches
        .filter((item) => item.opportunityId === row.id)
        .map(({ opportunityId: _, ...item }) => item),
    })),
  };
  return jsonAttachmentResponse(body, 'follow-up-tracker.json');
};
