/**
 * What keeps a shared cache (a CDN or proxy in front of the site, which the deployment notes
 * suggest) from handing one visitor's response to another:
 *
 * - A response that sets or clears a cookie is never stored by one: `private, no-store`, whatever
 *   the page asked for, and no CDN-only cache header. Otherwise the next visitor would be handed
 *   the cookie, a member's session among them.
 * - A signed-in visitor's page that says nothing about caching is `private, no-store`.
 * - Any other rendered response a shared cache may store varies on Cookie: every rendered request
 *   is read with its cookies (the session), so a cache must not answer one cookie with another's.
 */

/** Headers that tell CDNs alone how long to keep a response, over Cache-Control. */
const CDN_CACHE_HEADERS = ['cdn-cache-control', 'surrogate-control', 'cloudflare-cdn-cache-control'];

export const PRIVATE = 'private, no-store';

/**
 * Whether a shared cache may store a response with this Cache-Control: unless it is no-store or
 * private (`private="set-cookie"` keeps only the fields it names from a shared cache, RFC 9111).
 */
export function sharedCacheMayStore(cacheControl: string | null): boolean {
  const directives = (cacheControl ?? '').split(',').map((part) => part.trim().toLowerCase());
  return !directives.some((directive) => directive === 'private' || directive.split('=')[0]!.trim() === 'no-store');
}

function varyOnCookie(headers: Headers): void {
  const vary = headers.get('vary');
  const names = (vary ?? '').split(',').map((name) => name.trim().toLowerCase());
  if (names.includes('*') || names.includes('cookie')) return;
  headers.set('vary', vary ? `${vary}, Cookie` : 'Cookie');
}

export interface RenderedResponse {
  /** The response carries a Set-Cookie, or Astro will add one (context.cookies). */
  setsCookie: boolean;
  signedIn: boolean;
}

/** Sets a rendered response's caching headers by the rules above. */
export function keepFromSharedCaches(headers: Headers, { setsCookie, signedIn }: RenderedResponse): void {
  if (setsCookie) {
    headers.set('cache-control', PRIVATE);
    headers.delete('expires');
    for (const name of CDN_CACHE_HEADERS) headers.delete(name);
    return;
  }
  if (signedIn && !headers.has('cache-control')) {
    headers.set('cache-control', PRIVATE);
    return;
  }
  if (sharedCacheMayStore(headers.get('cache-control'))) varyOnCookie(headers);
}
