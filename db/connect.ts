/**
 * Opening and migrating the database, shared by the app, the scripts and the tests.
 * A `file:` URL is the embedded default; `libsql://`, `http(s)://` and `ws(s)://` reach a
 * libSQL server (Turso or self-hosted) with the same code.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.ts';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

export interface DatabaseOptions {
  url: string;
  authToken?: string | undefined;
  busyTimeoutMs?: number;
}

export const MIGRATIONS_FOLDER = resolve(process.cwd(), 'db/migrations');

/** The file behind a `file:` URL, or undefined for a server URL or `:memory:`. */
export function sqliteFilePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  return path === ':memory:' || path === '' ? undefined : resolve(path);
}

export function openDatabase({ url, authToken, busyTimeoutMs = 5000 }: DatabaseOptions): Database {
  const file = sqliteFilePath(url);
  // libSQL cannot create the folder of a new database file (it fails with SQLITE_CANTOPEN).
  if (file) mkdirSync(dirname(file), { recursive: true });
  const client = createClient({ url, authToken, timeout: busyTimeoutMs });
  return drizzle(client, { schema });
}

/**
 * Applies the committed migrations and, for a SQLite file, switches it to WAL so readers never
 * wait for the writer. Foreign keys and the busy timeout are set on every pooled connection by
 * the client itself; this checks that they are.
 */
export async function prepareDatabase(db: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const client = db.$client;
  if (client.protocol === 'file') {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  await migrate(db, { migrationsFolder });
  const foreignKeys = await client.execute('PRAGMA foreign_keys');
  if (Number(foreignKeys.rows[0]?.[0]) !== 1) {
    throw new Error('The database connection has foreign keys switched off.');
  }
}

/** A cheap round trip that proves the database answers and has been migrated. */
export async function checkDatabase(db: Database): Promise<{ ok: true; migrations: number }> {
  const result = await db.$client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
  return { ok: true, migrations: Number(result.rows[0]?.['n'] ?? 0) };
}
