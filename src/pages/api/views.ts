/**
 * The page-view beacon: an article page sends its own path once when it is read. No cookie is
 * read or set and no address is stored; crawlers, previews and scripts are left out by their user
 * agent (and most never run the beacon). Each view adds one to the article's count for the day.
 * The answer is always an empty 204, so the endpoint tells nobody anything.
 */
import type { APIRoute } from 'astro';
import { articleOfPath, isBot } from '../../lib/funnel';
import { getPublishedEntries } from '../../lib/server/articles';
import { db } from '../../lib/server/db';
import { countView } from '../../lib/server/funnel';
import { clientIp } from '../../lib/server/request';

export const prerender = false;

/** Views one network address may add a minute: a fast reader, never a loop. */
const PER_ADDRESS_PER_MINUTE = 30;
const recent = new Map<string, { count: number; until: number }>();

function allowed(address: string, now: number): boolean {
  if (recent.size > 50_000) for (const [key, entry] of recent) if (entry.until <= now) recent.delete(key);
  const entry = recent.get(address);
  if (!entry || entry.until <= now) {
    recent.set(address, { count: 1, until: now + 60_000 });
    return true;
  }
  entry.count += 1;
  return entry.count <= PER_ADDRESS_PER_MINUTE;
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
  if (!allowed(clientIp(context), Date.now())) return noContent();
  await countView(db, article);
  return noContent();
};
