import type { APIRoute } from 'astro';
import { csvRow } from '../../lib/data/csv';
import { csvResponse } from '../../lib/http/attachment';
import { allLeads, leadFilterFrom, leadFilterProblem } from '../../lib/coach/leads.server';
import { refuseAllButCoach } from '../../lib/auth/guards.server';

export const prerender = false;

/** The filtered leads as CSV, for the coach only. */
export const GET: APIRoute = async (context) => {
  const refused = refuseAllButCoach(context, '/coach/leads');
  if (refused) return refused;
  const { url } = context;
  const problem = leadFilterProblem(url.searchParams);
  if (problem)
    return new Response(`${problem} Nothing was exported.`, {
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
    });
  const rows = await allLeads(context.locals.app.db, leadFilterFrom(url.searchParams));
  let body = csvRow([
    'email',
    'status',
    'source_path',
    'source_article',
    'utm_source',
    'utm_medium',
    'utm_campaign',
    'consent_text',
    'consent_at',
    'created_at',
    'confirmed_at',
    'unsubscribed_at',
    'member',
  ]);
  for (const lead of rows) {
    body += csvRow([
      lead.email,
      lead.status,
      lead.sourcePath,
      lead.sourceArticle,
      lead.utmSource,
      lead.utmMedium,
      lead.utmCampaign,
      lead.consentText,
      lead.consentAt,
      lead.createdAt,
      lead.confirmedAt,
      lead.unsubscribedAt,
      lead.userId ? 'yes' : 'no',
    ]);
  }
  return csvResponse(body, `leads-${new Date().toISOString().slice(0, 10)}.csv`);
};
