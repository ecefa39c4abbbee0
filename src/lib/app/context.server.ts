/**
 * The app context: everything a request, an Action, a server island or a background job works
 * with, built once per process. The web server builds it on the first rendered request
 * (instance.server.ts) and the middleware hands it to pages, endpoints, Actions and server islands
 * as `Astro.locals.app`; the worker (server/worker.ts) builds the same from its environment; tests
 * build one around their database. Domain functions take it (or just its `db`) as an argument.
 * No astro: imports, and nothing opened at import: the worker loads it, and the build imports it.
 */
import { MIGRATIONS_FOLDER, prepareDatabase, type Database } from '../../../db/connect.ts';
import type { AppConfig } from './config.ts';
import { loadSigningSecret } from '../auth/signing-secret.server.ts';
import type { BillingContext } from '../coaching/billing.server.ts';
import { paymentsFor } from '../coaching/payments.server.ts';
import { configuredTransport, type EmailTransport } from '../email/transport.server.ts';

export interface AppContext {
  /** The one database of the app: leads, members, sessions, tracker, comments, billing, outbox. */
  db: Database;
  /** Every runtime setting, defaults applied (config.ts). */
  config: AppConfig;
  /** The public origin the site was built for; links in emails point here. */
  siteUrl: string;
  /** Signs download, unsubscribe and email-preference links (signing-secret.server.ts). */
  secret: string;
  /** The time to act at: the real clock, or a fixed one in tests and job runs. */
  clock: () => Date;
  /** How email leaves (Resend, or kept in the outbox for /dev/mail), and who sends it. */
  email: { transport: EmailTransport; from: string };
  /** Stripe as configured, or null when payments are switched off. */
  payments: BillingContext | null;
}

export interface AppContextParts {
  config: AppConfig;
  db: Database;
  secret: string;
  clock?: () => Date;
}

/** The context around a database that is ready and the key that signs links. */
export function appContextOf({ config, db, secret, clock = () => new Date() }: AppContextParts): AppContext {
  return {
    db,
    config,
    siteUrl: config.siteUrl,
    secret,
    clock,
    email: {
      transport: configuredTransport(config.email.resendApiKey, config.email.resendBaseUrl),
      from: config.email.from,
    },
    payments: paymentsFor(config, db),
  };
}

/**
 * Checks the database (a database with migrations this build has and it has not is refused with
 * PendingMigrationsError, naming `npm run db:migrate`, unless MIGRATE_ON_START lets this process
 * apply them), reads the signing key and builds the context.
 */
export async function openAppContext(
  config: AppConfig,
  db: Database,
  { migrationsFolder = MIGRATIONS_FOLDER }: { migrationsFolder?: string } = {},
): Promise<AppContext> {
  await prepareDatabase(db, migrationsFolder, { migrate: config.migrateOnStart });
  return appContextOf({ config, db, secret: await loadSigningSecret(db, config.appSecret) });
}
