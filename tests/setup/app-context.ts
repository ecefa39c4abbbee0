/**
 * An app context around a test's database, built as the server and the worker build theirs
 * (src/lib/app/context.server.ts): the test says the site URL, and the signing key and the time
 * when they matter. Every other setting has its default: email stays in the outbox, payments off.
 */
import type { Database } from '../../db/connect.ts';
import { readConfig } from '../../src/lib/app/config.ts';
import { appContextOf, type AppContext } from '../../src/lib/app/context.server.ts';

export interface TestContextOptions {
  db: Database;
  siteUrl: string;
  secret?: string;
  /** The time every call made with the context acts at; unset, the real clock. */
  now?: Date;
}

export function testAppContext({
  db,
  siteUrl,
  secret = 'a-test-secret-that-is-at-least-32-characters',
  now,
}: TestContextOptions): AppContext {
  return appContextOf({ config: readConfig({ SITE_URL: siteUrl }), db, secret, ...(now ? { clock: () => now } : {}) });
}
