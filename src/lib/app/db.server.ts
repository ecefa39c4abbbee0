import { DATABASE_AUTH_TOKEN, DATABASE_BUSY_TIMEOUT_MS, DATABASE_URL, MIGRATE_ON_START } from 'astro:env/server';
import { MIGRATIONS_FOLDER, openDatabase, prepareDatabase, type Database } from '../../../db/connect.ts';

/** The one database of the app: leads, members, sessions, tracker, comments, billing, outbox. */
export const db: Database = openDatabase({
  url: DATABASE_URL,
  authToken: DATABASE_AUTH_TOKEN,
  busyTimeoutMs: DATABASE_BUSY_TIMEOUT_MS,
});

let ready: Promise<void> | undefined;

/**
 * Checks the database on first use (the server's self-check at start): a database with
 * migrations this build has and it has not is refused (PendingMigrationsError, naming
 * `npm run db:migrate`), unless MIGRATE_ON_START lets this instance apply them. Every later
 * call returns the same settled promise.
 */
export function ensureDatabase(): Promise<void> {
  ready ??= prepareDatabase(db, MIGRATIONS_FOLDER, { migrate: MIGRATE_ON_START }).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}
