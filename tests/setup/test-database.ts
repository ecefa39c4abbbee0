/**
 * Test databases: one base file is migrated once per run (global setup), then every test
 * file copies it, so no test waits for migrations or sees another test's rows.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, type Client } from '@libsql/client';
import { openDatabase, type Database } from '../../db/connect.ts';

export const BASE_DATABASE = join(tmpdir(), 'own-the-follow-up-test-base.db');

export interface TestDatabase {
  db: Database;
  url: string;
  file: string;
}

export function freshDatabaseFile(): { url: string; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'otfu-db-')), 'test.db');
  copyFileSync(BASE_DATABASE, file);
  return { file, url: pathToFileURL(file).href };
}

export function openTestDatabase(): TestDatabase {
  const { file, url } = freshDatabaseFile();
  return { db: openDatabase({ url }), url, file };
}

/**
 * A raw SQL client on a test's database, beside the server under test. It waits for the server's
 * write lock like the app does (a busy timeout on every connection): without one, a test write
 * that meets a sign-up in flight fails at once with SQLITE_BUSY on a busy machine.
 */
export function testClient(url: string): Client {
  return createClient({ url, timeout: 10_000 });
}

/** How many migrations are committed under db/migrations (what a migrated database reports). */
export const MIGRATION_COUNT = (
  JSON.parse(readFileSync(join(process.cwd(), 'db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] }
).entries.length;
