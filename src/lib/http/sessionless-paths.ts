/**
 * Paths that never read, renew or clear a session: machine endpoints. The view beacon promises
 * that no cookie is read or set; the Stripe and Resend webhooks and the health check act for no
 * member.
 */
export const SESSIONLESS_PATHS: ReadonlySet<string> = new Set([
  '/api/views',
  '/api/stripe/webhook',
  '/api/resend/webhook',
  '/healthz',
]);
