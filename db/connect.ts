/**
 * Opening and migrating the database, shared by the app, the scripts and the tests.
 * A `file:` URL is the embedded default; `libsql://`, `http(s)://` and `ws(s)://` reach a
 * libSQL server (Turso or self-hosted) with the same code.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Client, Config, InStatement, Transaction, TransactionMode } from '@libsql/client';
import { createClient as createFileClient } from '@libsql/client/sqlite3';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import { drizzle } from 'drizzle-orm/libsql/sqlite3';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.ts';
import { fastReads, type FastReads } from './fast-reads.ts';

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

/**
 * A query built and prepared once per database, then run with new values (`sql.placeholder`):
 * for the statements every signed-in request runs, where building the SQL again each time was a
 * measurable share of the request (docs/decisions/0016).
 */
export function preparedQuery<T>(build: (db: Database) => T): (db: Database) => T {
  const built = new WeakMap<Database, T>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}

/** Anything drizzle can run statements on: the database or an open transaction. */
export type Executor = Pick<Database, 'select' | 'insert' | 'update' | 'delete' | 'run'>;

export interface DatabaseOptions {
  url: string;
  authToken?: string | undefined;
  busyTimeoutMs?: number;
  /**
   * For a long-running process (the server, the worker): plain reads of a SQLite file go through a
   * connection of their own with statements prepared once (db/fast-reads.ts). That connection
   * lives as long as the process: a script that must be alone on the file afterwards (switching
   * the journal mode, a restore) leaves this off.
   */
  fastReads?: boolean;
}

export const MIGRATIONS_FOLDER = resolve(process.cwd(), 'db/migrations');

/** The file behind a `file:` URL, or undefined for a server URL or `:memory:`. */
export function sqliteFilePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const path = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
  return path === ':memory:' || path === '' ? undefined : resolve(path);
}

export function openDatabase({
  url,
  authToken,
  busyTimeoutMs = 5000,
  fastReads: fast = false,
}: DatabaseOptions): Database {
  const file = sqliteFilePath(url);
  // libSQL cannot create the folder of a new database file (it fails with SQLITE_CANTOPEN).
  if (file) mkdirSync(dirname(file), { recursive: true });
  const client = (/^(libsql|https?|wss?):/i.test(url) ? remoteClient : createFileClient)({
    url,
    authToken,
    timeout: busyTimeoutMs,
  });
  return drizzle(file ? serializeWrites(client, fast ? fastReads(file, busyTimeoutMs) : undefined) : client, {
    schema,
  });
}

/**
 * The client for a libSQL server (libsql:, http(s):, ws(s):), required only when one is configured:
 * the full client also loads the WebSocket and HTTP protocols, which a SQLite file never uses and
 * which cost a file-backed server about 30 ms and 15 MiB at start (decision 0016).
 */
function remoteClient(config: Config): Client {
  const { createClient } = createRequire(import.meta.url)('@libsql/client') as typeof import('@libsql/client');
  return createClient(config);
}

/** A queue of one: each caller runs after the previous one has finished. */
function createMutex() {
  let tail: Promise<void> = Promise.resolve();
  return function lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const acquired = tail.then(() => release);
    tail = tail.then(() => held);
    return acquired;
  };
}

const READ_ONLY = /^\s*(select|with\s[\s\S]*?\)\s*select|explain|pragma\s+\w+\s*(;|$))/i;
const PRAGMA = /^\s*pragma\b/i;
/** A query (no PRAGMA: a pragma describes the connection it runs on, which must be the client's). */
const QUERY = /^\s*(select|with\s[\s\S]*?\)\s*select)\b/i;

function sqlOf(statement: InStatement): string {
  return typeof statement === 'string' ? statement : statement.sql;
}

/**
 * The local libSQL driver runs each statement synchronously, and waits for a lock by blocking the
 * thread. With a pool of connections in one process, a writer that waits for another connection's
 * open transaction would block the very event loop that transaction needs to finish: a deadlock
 * until the busy timeout. So within a process, write transactions and write statements take turns
 * through one async queue; reads go straight through (WAL lets them run beside a writer). Other
 * processes on the same file still meet SQLite's own locking and the busy timeout.
 */
export function serializeWrites(client: Client, reads?: FastReads): Client {
  const lock = createMutex();
  const guarded = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return async (statement: InStatement) => {
          const sql = sqlOf(statement);
          // A pragma that changes the file (journal mode, a checkpoint) needs no other connection
          // open: the read connection closes, to open again at the next read.
          if (PRAGMA.test(sql)) reads?.close();
          if (!READ_ONLY.test(sql)) return guarded(() => target.execute(statement));
          return (QUERY.test(sql) ? reads?.execute(statement) : undefined) ?? target.execute(statement);
        };
      }
      if (property === 'close') {
        return () => {
          reads?.close();
          target.close();
        };
      }
      if (property === 'batch') {
        return (statements: InStatement[], mode?: TransactionMode) =>
          mode === 'read' ? target.batch(statements, mode) : guarded(() => target.batch(statements, mode));
      }
      if (property === 'migrate') {
        return (statements: InStatement[]) => guarded(() => target.migrate(statements));
      }
      if (property === 'transaction') {
        return async (mode?: TransactionMode): Promise<Transaction> => {
          if (mode === 'read') return target.transaction(mode);
          const release = await lock();
          let transaction: Transaction;
          try {
            transaction = await target.transaction(mode);
          } catch (error) {
            release();
            throw error;
          }
          let released = false;
          const done = () => {
            if (!released) {
              released = true;
              release();
            }
          };
          return new Proxy(transaction, {
            get(tx, key, txReceiver) {
              const value = Reflect.get(tx, key, txReceiver);
              if (key === 'commit' || key === 'rollback') {
                return async () => {
                  try {
                    return await (value as () => Promise<void>).call(tx);
                  } finally {
                    done();
                  }
                };
              }
              if (key === 'close') {
                return () => {
                  try {
                    (value as () => void).call(tx);
                  } finally {
                    done();
                  }
                };
              }
              return typeof value === 'function' ? value.bind(tx) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Migrations committed under db/migrations that the database has not applied yet, by name. */
export async function pendingMigrations(db: Database, migrationsFolder = MIGRATIONS_FOLDER): Promise<string[]> {
  const journal = JSON.parse(readFileSync(resolve(migrationsFolder, 'meta/_journal.json'), 'utf8')) as {
    entries: { tag: string; when: number }[];
  };
  const table = await db.$client.execute(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'",
  );
  let lastApplied = -Infinity;
  if (table.rows.length > 0) {
    const last = await db.$client.execute('SELECT max(created_at) AS last FROM __drizzle_migrations');
    lastApplied = Number(last.rows[0]?.['last'] ?? -Infinity);
  }
  // drizzle's migrator applies every migration newer than the newest one recorded: the same rule.
  return journal.entries.filter((entry) => entry.when > lastApplied).map((entry) => entry.tag);
}

/** A database behind the code: the process must not start on it unless told to migrate. */
export class PendingMigrationsError extends Error {
  readonly pending: string[];

  constructor(pending: string[]) {
    super(
      `The database has ${pending.length} migration(s) this release needs and has not applied (${pending.join(', ')}). ` +
        'Apply them once with `npm run db:migrate` (same DATABASE_URL) before starting instances, ' +
        'or set MIGRATE_ON_START=true to let this process apply them.',
    );
    this.name = 'PendingMigrationsError';
    this.pending = pending;
  }
}

export interface PrepareOptions {
  /**
   * Apply pending migrations (the default: scripts and tests). Off, a database with pending
   * migrations is refused with PendingMigrationsError: app instances and the worker only migrate
   * when MIGRATE_ON_START says so, so a release migrates once, before its instances start.
   */
  migrate?: boolean;
}

/**
 * Applies (or, with `migrate: false`, requires) the committed migrations and, for a SQLite file,
 * switches it to WAL so readers never wait for the writer. Foreign keys and the busy timeout are
 * set on every pooled connection by the client itself; this checks that they are.
 */
export async function prepareDatabase(
  db: Database,
  migrationsFolder = MIGRATIONS_FOLDER,
  { migrate: applyMigrations = true }: PrepareOptions = {},
): Promise<void> {
  const client = db.$client;
  if (client.protocol === 'file') {
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA synchronous = NORMAL');
  }
  if (applyMigrations) {
    await migrate(db, { migrationsFolder });
  } else {
    const pending = await pendingMigrations(db, migrationsFolder);
    if (pending.length > 0) throw new PendingMigrationsError(pending);
  }
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
