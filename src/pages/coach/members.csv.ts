/**
 * The members on /coach/members, with the same filters, as a CSV download for the coach: who
 * joined, on which plan, from which article and campaign, and when they gave consent. Cells are
 * defused by csvRow so a name like "=HYPERLINK(…)" stays text in a spreadsheet.
 */
import type { APIRoute } from 'astro';
import { csvRow } from '../../lib/data/csv';
import { csvResponse } from '../../lib/http/attachment';
import { allMembers, memberFilterFrom } from '../../lib/coach/members.server';
import { refuseAllButCoach } from '../../lib/auth/guards.server';

export const prerender = false;

const HEADER = [
  'email',
  'name',
  'role',
  'plan',
  'joined_at',
  'email_confirmed_at',
  'source_article',
  'source_path',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'consent_at',
  'commenting_stopped_at',
];

export const GET: APIRoute = async (context) => {
  const { url } = context;
  const refused = refuseAllButCoach(context, `/coach/members${url.search}`);
  if (refused) return refused;
  const rows = await allMembers(context.locals.app.db, memberFilterFrom(url.searchParams));
  let body = csvRow(HEADER);
  for (const member of rows) {
    body += csvRow([
      member.email,
      member.name,
      member.role,
      member.plan,
      member.createdAt,
      member.emailVerifiedAt,
      member.sourceArticle,
      member.sourcePath,
      member.utmSource,
      member.utmMedium,
      member.utmCampaign,
      member.consentAt,
      member.commentingBlockedAt,
    ]);
  }
  return csvResponse(body, 'members.csv');
};
