import { DATABASE_AUTH_TOKEN, DATABASE_BUSY_TIMEOUT_MS, DATABASE_URL } from 'astro:env/server';
import { openDatabase, prepareDatabase, type Database } from '../../../db/connect.ts';

/** The one database of the app: leads, members, sessions, tracker, comments, billing, outbox. */
export const db: Database = openDatabase({
  url: DATABASE_URL,
  authToken: DATABASE_AUTH_TOKEN,
  busyTimeoutMs: DATABASE_BUSY_TIMEOUT_MS,
});

let ready: Promise<void> | undefined;

/** Migrates on first use; every later call returns the same settled promise. */
export function ensureDatabase(): Promise<void> {
  ready ??= prepareDatabase(db).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}
