/**
 * The request bodies the site reads, as rules the middleware checks before Astro or a page reads
 * one. Pure, so they are tested table by table; astro.config.mjs gives the adapter the same limit.
 */

/** The largest body read anywhere (the Node adapter's bodySizeLimit). */
export const MAX_BODY_BYTES = 1024 * 1024;

export const BODY_TOO_LARGE_MESSAGE =
  'What you sent is larger than this site accepts (1 MB). Go back, shorten it and try again.';

export interface ActionCall {
  /** The name as sent: `?_action=<name>` on a page, or `/_actions/<name>`. */
  name: string;
  /** A page's form (the page then renders the result) or the RPC endpoint (answers JSON). */
  via: 'page' | 'rpc';
}

/** The Action a request calls, read the way Astro reads it; undefined when it calls none. */
export function actionCall(method: string, url: URL): ActionCall | undefined {
  if (method !== 'POST') return undefined;
  if (url.pathname.startsWith('/_actions/')) return { name: url.pathname.slice('/_actions/'.length), via: 'rpc' };
  const name = url.searchParams.get('_action');
  return name ? { name, via: 'page' } : undefined;
}

/**
 * `domain.action`, as every Action here is named. Astro throws on anything else it cannot look up
 * (a broken %-escape, a domain without an action) instead of answering "not found".
 */
export function isActionName(name: string): boolean {
  return /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)+$/.test(name);
}

/** What a Content-Type says the body is, as Astro's Action parser tells them apart. */
export function bodyType(contentType: string | null): 'form' | 'json' | 'other' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') return 'form';
  return type === 'application/json' ? 'json' : 'other';
}
