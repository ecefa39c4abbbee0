import { defineMiddleware, sequence } from 'astro:middleware';
import { SECURITY_HEADERS } from './lib/security-headers';
import { ensureDatabase } from './lib/server/db';

const securityHeaders = defineMiddleware(async (_context, next) => {
  const response = await next();
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  return response;
});

/**
 * Rendered requests wait for migrations on first use; prerendering needs no database, and
 * /healthz reports a broken database itself instead of failing here.
 */
const database = defineMiddleware(async (context, next) => {
  if (!context.isPrerendered && context.url.pathname !== '/healthz') await ensureDatabase();
  return next();
});

export const onRequest = sequence(securityHeaders, database);
