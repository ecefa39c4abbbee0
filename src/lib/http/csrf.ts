/**
 * Cross-site request forgery: a state-changing request must prove it comes from one of our own
 * pages (Origin, else Sec-Fetch-Site, else Referer). Pure, so it is tested table by table.
 */

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Paths that take cross-site POSTs by design, each protected another way: the one-click
 * unsubscribe is sent by mail providers with a signed token; Stripe's and Resend's webhooks carry a
 * signature.
 */
export const CROSS_SITE_ALLOWED = new Set(['/unsubscribe', '/email/off', '/api/stripe/webhook', '/api/resend/webhook']);

export interface CsrfRequest {
  method: string;
  url: URL;
  headers: Headers;
}

export function isCrossSiteRefused(
  { method, url, headers }: CsrfRequest,
  trustedOrigins: readonly string[] = [],
): boolean {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return false;
  // The exemption is for those paths' own handlers: an Action posted there is checked like any other.
  if (CROSS_SITE_ALLOWED.has(url.pathname) && !url.searchParams.has('_action')) return false;
  const allowed = new Set([url.origin, ...trustedOrigins]);
  const origin = headers.get('origin');
  if (origin && origin !== 'null') return !allowed.has(origin);
  const fetchSite = headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin';
  const referer = headers.get('referer');
  if (referer) {
    try {
      return !allowed.has(new URL(referer).origin);
    } catch {
      return true;
    }
  }
  return true;
}
