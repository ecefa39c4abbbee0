/**
 * This web server's app: its configuration, read once from astro:env (validated at start), and
 * its app context (context.server.ts), built on the first rendered request and kept. The
 * middleware puts the context on `Astro.locals.app`; nothing here opens anything at import, so
 * prerendering at build time touches no database.
 */
import {
  APP_SECRET,
  BACKGROUND_JOBS,
  DATABASE_AUTH_TOKEN,
  DATABASE_BUSY_TIMEOUT_MS,
  DATABASE_URL,
  EMAIL_FROM,
  EMAIL_SEND_RATE,
  LOG_LEVEL,
  MIGRATE_ON_START,
  RESEND_API_KEY,
  RESEND_BASE_URL,
  RESEND_WEBHOOK_SECRET,
  STRIPE_API_URL,
  STRIPE_PRICE_MONTHLY,
  STRIPE_PRICE_YEARLY,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  TRUST_PROXY,
} from 'astro:env/server';
import { openDatabase, type Database } from '../../../db/connect.ts';
import { readConfig, type AppConfig } from './config.ts';
import { openAppContext, type AppContext } from './context.server.ts';
import { startBackgroundJobs } from './jobs.server.ts';

/**
 * The settings of this instance. The public origin is the one the site was built for (SITE_URL at
 * build time, baked into prerendered pages), not read again at run time.
 */
export const config: AppConfig = readConfig({
  SITE_URL: import.meta.env.SITE,
  DATABASE_URL,
  DATABASE_AUTH_TOKEN,
  DATABASE_BUSY_TIMEOUT_MS,
  MIGRATE_ON_START,
  APP_SECRET,
  RESEND_API_KEY,
  RESEND_BASE_URL,
  EMAIL_FROM,
  EMAIL_SEND_RATE,
  RESEND_WEBHOOK_SECRET,
  STRIPE_SECRET_KEY,
  STRIPE_WEBHOOK_SECRET,
  STRIPE_PRICE_MONTHLY,
  STRIPE_PRICE_YEARLY,
  STRIPE_API_URL,
  BACKGROUND_JOBS,
  TRUST_PROXY,
  LOG_LEVEL,
});

let db: Database | undefined;
let context: Promise<AppContext> | undefined;

/**
 * The app context, built on first use (the server's self-check at start, /healthz): the database
 * is opened and checked, the signing key read, and the background jobs started. Every later call
 * returns the same settled promise; a failure (a database not reachable or not migrated) is tried
 * again on the next call, on the same database handle.
 */
export function appContext(): Promise<AppContext> {
  context ??= openAppContext(config, (db ??= openDatabase({ ...config.database, fastReads: true }))).then(
    (app) => {
      startBackgroundJobs(app);
      return app;
    },
    (error: unknown) => {
      context = undefined;
      throw error;
    },
  );
  return context;
}
