/**
 * The page-view beacon: an article page sends its own path once when it is read. No cookie is
 * read or set and nothing about the reader is stored: crawlers, previews and scripts are left out
 * by their user agent (and most never run the beacon). Each view adds one to the article's count
 * for the day. Counted views answer an empty 204, and so do the ones left out, so the endpoint
 * tells nobody anything (only other sites' posts, 403, and oversized bodies, 413, differ).
 *
 * When the path carries a `utm_campaign` that one of our emails put there (`b-…`, `s-…`), the view
 * also adds one to that campaign's count for the day; any other campaign, or junk, is ignored.
 *
 * Against inflation, held in memory for at most 30 minutes and never written anywhere: a salted
 * hash of the reader's network (the address, or its /64 for IPv6), so one network counts one view
 * of an article per 30 minutes and at most 30 views a minute in all.
 */
import type { APIRoute } from 'astro';
import { createHash, randomBytes } from 'node:crypto';
import { articleOfPath, campaignOfPath, isBot } from '../../lib/funnel/rules';
import { ViewLimiter } from '../../lib/funnel/view-limiter';
import { getPublishedEntries } from '../../lib/articles/collection.server';
import { countCampaignView, countView } from '../../lib/funnel/counts.server';
import { clientNetwork } from '../../lib/http/request.server';

export const prerender = false;

const salt = randomBytes(16);
const limiter = new ViewLimiter();

/** A short salted hash of the reader's network (IPv4 address or IPv6 /64, see clientNetwork). */
function networkHash(network: string): string {
  return createHash('sha256').update(salt).update(network).digest('base64url').slice(0, 16);
}

let published: Promise<Set<string>> | undefined;
const publishedArticles = () =>
  (published ??= getPublishedEntries().then((entries) => new Set(entries.map((entry) => entry.id))));

const noContent = () => new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });

export const POST: APIRoute = async (context) => {
  const { request } = context;
  if (Number(request.headers.get('content-length') ?? 0) > 512) return new Response(null, { status: 413 });
  const body = (await request.text()).slice(0, 512);
  const purpose = request.headers.get('sec-purpose') ?? request.headers.get('purpose') ?? '';
  if (isBot(request.headers.get('user-agent')) || /prefetch|prerender/i.test(purpose)) return noContent();
  const article = articleOfPath(body);
  if (!article || !(await publishedArticles()).has(article)) return noContent();
  if (!limiter.counts(networkHash(clientNetwork(context)), article, Date.now())) return noContent();
  await countView(context.locals.app.db, article);
  // A read that came from one of our emails' links counts for that email too.
  const campaign = campaignOfPath(body);
  if (campaign) await countCampaignView(context.locals.app.db, campaign);
  return noContent();
};
