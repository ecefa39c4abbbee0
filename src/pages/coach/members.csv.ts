/** The members on /coach/members, with the same filters, as a CSV download for the coach. */
import type { APIRoute } from 'astro';
import { csvTable } from '../../lib/data/csv';
import { csvResponse } from '../../lib/http/attachment';
import { MEMBER_CSV_COLUMNS } from '../../lib/coach/csv';
import { allMembers, memberFilterFrom } from '../../lib/coach/members.server';
import { refuseAllButCoach } from '../../lib/auth/guards.server';

export const prerender = false;

export const GET: APIRoute = async (context) => {
  const { url } = context;
  const refused = refuseAllButCoach(context, `/coach/members${url.search}`);
  if (refused) return refused;
  const rows = await allMembers(context.locals.app.db, memberFilterFrom(url.searchParams));
  return csvResponse(csvTable(MEMBER_CSV_COLUMNS, rows), 'members.csv');
};
