import { defineMiddleware, sequence } from 'astro:middleware';
import { isCrossSiteRefused } from './lib/http/csrf';
import { actionCall } from './lib/http/request-body';
import { SESSIONLESS_PATHS } from './lib/http/sessionless-paths';
import { HSTS, SECURITY_HEADERS, pagePolicyHeader } from './lib/http/security-headers';
import { keepFromSharedCaches } from './lib/http/shared-caches';
import { appContext, config } from './lib/app/instance.server';
import { servedOverHttps } from './lib/auth/guards.server';
import { currentRequest } from './lib/app/log.server';
import { bodyRefusal, pageRequest, pageTooLargeMessage } from './lib/http/request.server';
import {
  IslandPropsError,
  ISLAND_REFUSED_MESSAGE,
  islandBodyProblem,
  islandRefusalMessage,
  SERVER_ISLANDS_PATH,
} from './lib/http/server-islands';
import {
  SESSION_COOKIE,
  deleteSessionTokenCookie,
  setSessionTokenCookie,
  validateSessionToken,
} from './lib/auth/session.server';

/** The site is on HTTPS exactly when its cookies are Secure (read at build time too: no context then). */
const httpsSite = servedOverHttps(config.siteUrl);

/**
 * A rendered page comes with Astro's policy (the hashes of the scripts and styles it rendered,
 * `security.csp` in astro.config.mjs), to which frame-ancestors is added; every other response gets
 * the site's default policy. HSTS when the site is served over HTTPS.
 */
const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  const policy = response.headers.get('content-security-policy');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  if (policy) response.headers.set('content-security-policy', pagePolicyHeader(policy));
  if (httpsSite) response.headers.set('strict-transport-security', HSTS);
  return response;
});

/**
 * No shared cache may hand one visitor's response to another (src/lib/http/shared-caches.ts): a response
 * that sets or clears a cookie is private, as is a signed-in page that says nothing about caching,
 * and any other storable one varies on Cookie. First in the sequence, so whatever sets a cookie
 * inside it (the session's renewal below, an Action, a page) has done so by the time this looks:
 * Astro adds context.cookies to the response only after the whole sequence.
 */
const sharedCaches = defineMiddleware(async (context, next) => {
  const response = await next();
  if (context.isPrerendered) return response;
  keepFromSharedCaches(response.headers, {
    setsCookie: response.headers.has('set-cookie') || !context.cookies.headers().next().done,
    signedIn: Boolean(context.locals.user),
  });
  return response;
});

const trustedOrigins = [new URL(config.siteUrl).origin];

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
 * Bodies over the limit, and Action bodies that cannot be read as a form, are refused here with a
 * 4xx before anything reads them (src/lib/http/request.server.ts says why). The RPC endpoint answers
 * in the shape Astro's Action client reads. A page's form sent over the limit gets the page itself
 * back, rendered as for a GET with the limit said on it (`locals.refusedBody`), and the 413 status.
 */
const requestBodies = defineMiddleware(async (context, next) => {
  if (context.isPrerendered) return next();
  const refusal = await bodyRefusal(context.request, context.url);
  if (!refusal) return next();
  // Node discards the rest of a body refused by its Content-Length; a streamed one was read up to
  // the limit and stopped there, so its connection cannot carry another request.
  const streamed = refusal.status === 413 && !context.request.headers.has('content-length');
  const headers: Record<string, string> = streamed ? { connection: 'close' } : {};
  const action = actionCall(context.request.method, context.url);
  if (action?.via === 'rpc') {
    const code = { 400: 'BAD_REQUEST', 404: 'NOT_FOUND', 413: 'CONTENT_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE' };
    return Response.json(
      { type: 'AstroActionError', code: code[refusal.status], status: refusal.status, message: refusal.message },
      { status: refusal.status, headers },
    );
  }
  if (action?.via === 'page' && refusal.status === 413 && refusal.limit !== undefined) {
    context.locals.refusedBody = {
      action: action.name,
      limit: refusal.limit,
      message: pageTooLargeMessage(refusal.limit),
    };
    const page = await next(pageRequest(context.request, context.url));
    // The page as a GET renders it (200), or its own refusal (a 404 for an entry that is not there,
    // a 400 for a spent link): either way a page in the site's layout. A redirect is passed over.
    if (page.headers.get('content-type')?.startsWith('text/html') && (page.status < 300 || page.status >= 400)) {
      const pageHeaders = new Headers(page.headers);
      for (const [name, value] of Object.entries(headers)) pageHeaders.set(name, value);
      return new Response(page.body, { status: 413, headers: pageHeaders });
    }
    await page.body?.cancel();
  }
  return new Response(refusal.message, {
    status: refusal.status,
    headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' },
  });
});

/**
 * Rendered requests get the app context on `locals.app` (src/lib/app/context.server.ts), built on
 * first use: the database checked for migrations, the background jobs started. Prerendering needs
 * none of it (nothing is opened at build time), and /healthz reports a broken database itself.
 */
const app = defineMiddleware(async (context, next) => {
  if (!context.isPrerendered && context.url.pathname !== '/healthz') context.locals.app = await appContext();
  return next();
});

/** Puts the signed-in member on Astro.locals; renews the cookie when the session slid forward. */
const authentication = defineMiddleware(async (context, next) => {
  context.locals.user = null;
  context.locals.session = null;
  if (context.isPrerendered || SESSIONLESS_PATHS.has(context.url.pathname)) return next();
  const token = context.cookies.get(SESSION_COOKIE)?.value;
  if (token) {
    const result = await validateSessionToken(context.locals.app.db, token);
    if (result) {
      context.locals.user = result.user;
      context.locals.session = result.session;
      if (result.renewed) setSessionTokenCookie(context.cookies, token, result.session.expiresAt, httpsSite);
    } else {
      deleteSessionTokenCookie(context.cookies);
    }
  }
  return next();
});

/**
 * Tells the server's request log (server/main.ts) which route matched, and keeps the error a page
 * or an Action met, with its stack, for that line: Astro answers such an error with the 500 page.
 */
const requestLog = defineMiddleware(async (context, next) => {
  const record = currentRequest();
  // The 500 page renders through here again: the route that failed is the one to keep.
  if (record) record.route ??= context.routePattern;
  try {
    return await next();
  } catch (error) {
    if (record) record.error = error;
    throw error;
  }
});

/**
 * Server islands (`/_server-islands/<name>`, answered by Astro): a body the island loader never
 * sends and an island asked for without its props are refused with a 400 and a message rather than
 * a 500, and Astro's own empty 4xx answers get a message too (src/lib/http/server-islands.ts).
 */
const serverIslands = defineMiddleware(async (context, next) => {
  if (!context.url.pathname.startsWith(SERVER_ISLANDS_PATH)) return next();
  const refuse = (status: number, message: string) =>
    new Response(message, {
      status,
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
        ...(status === 405 ? { allow: 'GET, POST' } : {}),
      },
    });
  if (context.request.method === 'POST') {
    const problem = islandBodyProblem(await context.request.clone().text());
    if (problem) return refuse(400, problem);
  }
  let response: Response;
  try {
    response = await next();
  } catch (error) {
    if (error instanceof IslandPropsError || (error as Error | undefined)?.cause instanceof IslandPropsError)
      return refuse(400, ISLAND_REFUSED_MESSAGE);
    throw error;
  }
  if (response.status >= 400 && response.status < 500 && response.body === null)
    return refuse(response.status, islandRefusalMessage(response.status));
  return response;
});

export const onRequest = sequence(
  requestLog,
  sharedCaches,
  securityHeaders,
  crossSiteRequests,
  requestBodies,
  app,
  authentication,
  serverIslands,
);
