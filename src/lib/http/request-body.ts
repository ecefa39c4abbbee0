/**
 * The request bodies the site reads, as rules the middleware checks before Astro or a page reads
 * one. Pure, so they are tested table by table; astro.config.mjs gives the adapter the same limit.
 */

const MEGABYTE = 1024 * 1024;

/** The largest body read anywhere but an upload. */
export const MAX_BODY_BYTES = MEGABYTE;

/** The largest tracker file a member may import: a JSON export of a long search with every message. */
export const MAX_UPLOAD_BYTES = 5 * MEGABYTE;

/** The Actions that take an uploaded file, and so a body up to MAX_UPLOAD_BYTES. */
export const UPLOAD_ACTIONS: ReadonlySet<string> = new Set(['tracker.importFile']);

/** The largest body of all: the Node adapter's bodySizeLimit and Astro's Action limit (astro.config.mjs). */
export const LARGEST_BODY_BYTES = Math.max(MAX_BODY_BYTES, MAX_UPLOAD_BYTES);

/** `1 MB`, `5 MB`: a limit as the messages state it. */
export function megabytes(bytes: number): string {
  return `${Math.round((bytes / MEGABYTE) * 10) / 10} MB`;
}

export function bodyTooLargeMessage(limit: number): string {
  return `What you sent is larger than this site accepts (${megabytes(limit)}). Go back, shorten it and try again.`;
}

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

/** The largest body a request may carry: an upload Action's, or everyone else's. */
export function bodyLimit(method: string, url: URL): number {
  const action = actionCall(method, url);
  return action && UPLOAD_ACTIONS.has(action.name) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
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
