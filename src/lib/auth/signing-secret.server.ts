/**
 * The key that signs emailed links. APP_SECRET when set (required in production, shared by every
 * instance and the worker); otherwise one is generated on first use and kept in the database, so
 * the embedded default needs no configuration, links survive restarts, and every process on the
 * same database signs with the same key. No astro: imports: the worker uses it too.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import { appSettings } from '../../../db/schema.ts';
import { randomToken } from './tokens.server.ts';

const KEY = 'secret.signing';

export async function loadSigningSecret(db: Database, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  await db
    .insert(appSettings)
    .values({ key: KEY, value: randomToken(32) })
    .onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, KEY));
  return String(row!.value);
}
