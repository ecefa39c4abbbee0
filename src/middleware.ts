import { defineMiddleware, sequence } from 'astro:middleware';
import { isCrossSiteRefused } from './lib/csrf';
import { BODY_TOO_LARGE_MESSAGE, HSTS, SECURITY_HEADERS, pagePolicyHeader } from './lib/security-headers';
import { siteUrl } from './lib/server/config';
import { db, ensureDatabase } from './lib/server/db';
import { secureCookies } from './lib/server/guards';
import { startBackgroundJobs } from './lib/server/jobs';
import {
  SESSION_COOKIE,
  deleteSessionTokenCookie,
  setSessionTokenCookie,
  validateSessionToken,
} from './lib/server/session';

/**
 * A body sent without its length (chunked) is cut off by the adapter once it passes the limit,
 * which throws where the body is read: that is the sender's fault, answered with 413.
 */
async function bodyWithinLimit(next: () => Promise<Response>): Promise<Response> {
  try {
    return await next();
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('Body size limit exceeded')) {
      return new Response(BODY_TOO_LARGE_MESSAGE, {
        status: 413,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    }
    throw error;
  }
}

const https = new URL(siteUrl).protocol === 'https:';

/**
 * A rendered page comes with Astro's policy (the hashes of the scripts and styles it rendered,
 * `security.csp` in astro.config.mjs), to which frame-ancestors is added; every other response gets
 * the site's default policy. HSTS when the site is served over HTTPS.
 */
const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await bodyWithinLimit(next);
  const policy = response.headers.get('content-security-policy');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  if (policy) response.headers.set('content-security-policy', pagePolicyHeader(policy));
  if (https) response.headers.set('strict-transport-security', HSTS);
  return response;
});

const trustedOrigins = [new URL(siteUrl).origin];

/** Refuses state-changing requests that other sites make a visitor's browser send. */
const crossSiteRequests = defineMiddleware(async (context, next) => {
  if (
    !context.isPrerendered &&
    isCrossSiteRefused(
      { method: context.request.method, url: context.url, headers: context.request.headers },
      trustedOrigins,
    )
  ) {
    return new Response('Cross-site form submissions are refused. Go back to the page, reload it and try again.', {
      status: 403,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  }
  return next();
});

/**
 * Rendered requests wait for migrations on first use, which also starts the background jobs;
 * prerendering needs no database, and /healthz reports a broken database itself.
 */
const database = defineMiddleware(async (context, next) => {
  if (!context.isPrerendered && context.url.pathname !== '/healthz') {
    await ensureDatabase();
    startBackgroundJobs();
  }
  return next();
});

/** Puts the signed-in member on Astro.locals; renews the cookie when the session slid forward. */
const authentication = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.session = null;
  if (context.isPrerendered) return next();
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  if (token) {
    const result = await validateSessionToken(db, token);
    if (result) {
      context.locals.user = result.user;
      context.locals.session = result.session;
      if (result.renewed) setSessionTokenCookie(context.cookies, token, result.session.expiresAt, secureCookies);
    } else {
      deleteSessionTokenCookie(context.cookies);
    }
  }
  const response = await next();
  // Personal pages must never be stored by a shared cache.
  if (context.locals.user && !response.headers.has('cache-control'))
    response.headers.set('cache-control', 'private, no-store');
  return response;
});

export const onRequest = sequence(securityHeaders, crossSiteRequests, database, authentication);
