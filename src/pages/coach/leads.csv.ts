import type { APIRoute } from 'astro';
import { csvTable } from '../../lib/data/csv';
import { csvResponse } from '../../lib/http/attachment';
import { LEAD_CSV_COLUMNS } from '../../lib/coach/csv';
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
  return csvResponse(csvTable(LEAD_CSV_COLUMNS, rows), `leads-${new Date().toISOString().slice(0, 10)}.csv`);
};
