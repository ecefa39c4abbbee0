/**
 * Headers every response carries, static or rendered. Kept free of framework imports so the
 * in-memory static server (server/), the Astro middleware and astro.config.mjs share one definition.
 */

/**
 * The policy of every page besides the hashes of its own scripts and styles, which Astro adds
 * (`security.csp` in astro.config.mjs). Nothing loads from another origin; no inline script or
 * style runs unless the build produced it.
 */
export const PAGE_CSP_DIRECTIVES = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-src 'none'",
] as const;

/** Only a header can carry frame-ancestors (browsers ignore it in a <meta>). */
const FRAME_ANCESTORS = "frame-ancestors 'none'";

/** A page's policy with the header-only directives added. */
export function pagePolicyHeader(policy: string): string {
  const trimmed = policy.trim().replace(/;\s*$/, '');
  return /(^|;)\s*frame-ancestors\s/.test(trimmed) ? trimmed : `${trimmed}; ${FRAME_ANCESTORS}`;
}

/** HSTS for a site served over HTTPS: two years, subdomains included. */
export const HSTS = 'max-age=63072000; includeSubDomains';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  // Pages replace this with their own full policy (pagePolicyHeader); files, JSON, CSV and PDF keep it.
  'content-security-policy': `${FRAME_ANCESTORS}; base-uri 'self'; form-action 'self'; object-src 'none'`,
};
