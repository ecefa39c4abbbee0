/**
 * The set-up the member-facing HTTP tests share: the built server on its own fresh database
 * (started before the file's tests, stopped after), a SQL client on that database, and the
 * little helpers the coach pages' tests read their answers with.
 */
import type { Client } from '@libsql/client';
import { afterAll, beforeAll } from 'vitest';
import { startMemberServer, type RunningServer } from './built-server.ts';
import { freshDatabaseFile, testClient } from './test-database.ts';

export interface MemberSite {
  /** The server's origin, once it has started. */
  base: () => string;
  sql: Client;
  database: { url: string; file: string };
}

/** Starts a member server in beforeAll and stops it (and closes `sql`) in afterAll. */
export function useMemberServer(): MemberSite {
  let server: RunningServer;
  const database = freshDatabaseFile();
  const sql = testClient(database.url);
  beforeAll(async () => {
    server = await startMemberServer(database.url);
  });
  afterAll(async () => {
    await server.stop();
    sql.close();
  });
  return { base: () => server.url, sql, database };
}

/** A phone browser's user agent. */
export const PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';

/** A page's markup without its inline styles and scripts, so a search for text meets only content. */
export const withoutStylesAndScripts = (html: string) =>
  html.replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<script[\s\S]*?<\/script>/g, '');

/** The text a person reads: no styles, no scripts, no tags, spaces collapsed. */
export const readableText = (html: string) =>
  withoutStylesAndScripts(html)
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
