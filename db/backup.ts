/**
 * Backups and restores of the SQLite file behind DATABASE_URL: the logic of `npm run db:backup`
 * and `npm run db:restore`, importable so the tests call it without spawning.
 *
 * A backup is `VACUUM INTO` a temporary file beside the target. SQLite writes the copy from one
 * read transaction, so in WAL mode it is the database as of one instant while the app goes on
 * reading and writing. The copy is checked, synced and renamed into place: a backup file that
 * exists is a whole one.
 *
 * A restore checks the backup first and touches nothing until it passes; then it swaps it in,
 * only if no other process has the database open, keeping the previous file aside.
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient, LibsqlError, type Client } from '@libsql/client';
import { MIGRATIONS_FOLDER, sqliteFilePath } from './connect.ts';

/** A failure the person running the command can act on; its message says all of it, in one line. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface RowCount {
  label: string;
  /** Null when the table does not exist (an older or foreign database). */
  rows: number | null;
}

/** What a check of a database copy found. */
export interface CopyFacts {
  /** Migrations recorded in `__drizzle_migrations`, or null without that table. */
  migrations: number | null;
  /** When the newest of them was created (what drizzle compares with the journal), or null. */
  latestMigrationAt: number | null;
  counts: RowCount[];
}

export interface BackupOptions {
  /** DATABASE_URL. */
  url: string;
  /** A file, or a folder (existing, or ending in /) for the default name. Default: `backups/app-<UTC time>.db`. */
  target?: string | undefined;
  /** Replace an existing target file. */
  force?: boolean | undefined;
  now?: Date;
}

export interface BackupReport extends CopyFacts {
  source: string;
  target: string;
  bytes: number;
  ms: number;
}

export interface RestoreOptions {
  /** DATABASE_URL: the database to replace. */
  url: string;
  /** The backup file to restore. */
  backup: string;
  now?: Date;
  migrationsFolder?: string;
  /** How long to wait for another process's lock before deciding the database is in use. */
  busyTimeoutMs?: number;
}

export interface RestoreReport extends CopyFacts {
  target: string;
  backup: string;
  migrations: number;
  knownMigrations: number;
  /** Where the database that was replaced now is, or null when there was none. */
  keptAside: string | null;
  /** Set when the replaced database could not be read, so nothing could tell whether it was in use. */
  unreadable: string | null;
  removed: string[];
  ms: number;
}

const KEY_TABLES = [
  { label: 'users', table: 'users' },
  { label: 'leads', table: 'leads' },
  { label: 'tracker entries', table: 'opportunities' },
] as const;

const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

export async function backupDatabase({
  url,
  target,
  force = false,
  now = new Date(),
}: BackupOptions): Promise<BackupReport> {
  const started = performance.now();
  const source = localDatabaseFile(url, 'db:backup copies');
  if (!existsSync(source)) throw new BackupError(`There is no database at ${show(source)} to back up.`);
  const file = backupTarget(target, now);
  if (sameFile(file, source)) throw new BackupError(`${show(file)} is the database itself: choose another target.`);
  if (existsSync(file) && !force) {
    throw new BackupError(`${show(file)} already exists: choose another file, or pass --force to replace it.`);
  }
  const folder = dirname(file);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new BackupError(`Cannot create the folder ${show(folder)}: ${reason(error)}.`);
  }
  const temporary = join(folder, `.${basename(file)}.${process.pid}.tmp`);
  try {
    await vacuumInto(source, temporary);
    // The copy holds password and session hashes: readable by its owner only.
    chmodSync(temporary, 0o600);
    const facts = await checkCopy(temporary, `The copy of ${show(source)}`);
    syncFile(temporary);
    moveIntoPlace(temporary, file, force);
    syncFolder(folder);
    return { source, target: file, bytes: statSync(file).size, ...facts, ms: performance.now() - started };
  } catch (error) {
    throw asBackupError(error, `Writing ${show(file)}`);
  } finally {
    removeWithSideFiles(temporary);
  }
}

export async function restoreDatabase({
  url,
  backup,
  now = new Date(),
  migrationsFolder = MIGRATIONS_FOLDER,
  busyTimeoutMs = 1000,
}: RestoreOptions): Promise<RestoreReport> {
  const started = performance.now();
  const live = localDatabaseFile(url, 'db:restore replaces');
  const source = resolve(backup);
  if (!existsSync(source)) throw new BackupError(`There is no backup at ${show(source)}.`);
  if (!statSync(source).isFile()) throw new BackupError(`${show(source)} is not a file.`);
  if (sameFile(source, live)) throw new BackupError(`${show(source)} is the database itself: nothing to restore.`);
  const known = knownMigrations(migrationsFolder);
  const stamp = fileStamp(now);
  const folder = dirname(live);
  // The copy is checked where it will be renamed from, so what passed is exactly what goes live.
  const staging = join(folder, `.${basename(live)}.restore-${process.pid}.tmp`);
  try {
    try {
      mkdirSync(folder, { recursive: true });
      copyFileSync(source, staging);
    } catch (error) {
      throw new BackupError(`Cannot copy ${show(source)} to ${show(folder)}: ${reason(error)}.`);
    }
    const facts = await checkCopy(staging, `The backup ${show(source)}`);
    if (facts.migrations === null) {
      throw new BackupError(
        `The backup ${show(source)} has no __drizzle_migrations table: it is not a backup of this app's database.`,
      );
    }
    if (facts.migrations > known.count || (facts.latestMigrationAt ?? 0) > known.latestAt) {
      throw new BackupError(
        `The backup ${show(source)} comes from a newer version of the app (${facts.migrations} migrations; ` +
          `this code knows ${known.count}): update the code first, then restore.`,
      );
    }
    if (existsSync(live)) matchOwnership(staging, live);
    syncFile(staging);

    let keptAside: string | null = null;
    let unreadable: string | null = null;
    if (existsSync(live)) {
      keptAside = `${live}.before-restore-${stamp}`;
      if (existsSync(keptAside)) throw new BackupError(`${show(keptAside)} already exists: restore again in a second.`);
      unreadable = await takeOverDatabase(live, busyTimeoutMs);
      keepAside(live, keptAside);
    }
    // Left beside the restored file, an old log or journal would be replayed into it.
    const removed: string[] = [];
    for (const suffix of SIDE_FILES) {
      const side = live + suffix;
      if (!existsSync(side)) continue;
      // Beside a database that could not be read, they may hold its last writes: they go with it.
      if (unreadable !== null && keptAside !== null && suffix !== '-shm') {
        renameSync(side, keptAside + suffix);
      } else {
        rmSync(side);
        removed.push(side);
      }
    }
    renameSync(staging, live);
    syncFolder(folder);
    return {
      target: live,
      backup: source,
      ...facts,
      migrations: facts.migrations,
      knownMigrations: known.count,
      keptAside,
      unreadable,
      removed,
      ms: performance.now() - started,
    };
  } catch (error) {
    throw asBackupError(error, `Restoring ${show(live)}`);
  } finally {
    removeWithSideFiles(staging);
  }
}

export function describeBackup(report: BackupReport): string {
  return [
    `Backed up ${show(report.source)} to ${show(report.target)}`,
    `  ${formatBytes(report.bytes)}, integrity ok, ${report.migrations ?? 'no'} migrations`,
    `  ${formatCounts(report.counts)}`,
    `  took ${(report.ms / 1000).toFixed(2)} s`,
  ].join('\n');
}

export function describeRestore(report: RestoreReport): string {
  const pending = report.knownMigrations - report.migrations;
  const lines = [
    `Checked ${show(report.backup)}: integrity ok, ${report.migrations} of ${report.knownMigrations} migrations; ` +
      formatCounts(report.counts),
  ];
  if (report.unreadable !== null) {
    lines.push(
      `The replaced database could not be read (${report.unreadable}): it was moved aside as it was, ` +
        `with any -wal or -journal file beside it, without a check that no process had it open.`,
    );
  }
  if (report.keptAside !== null) {
    lines.push(`Kept the previous database as ${show(report.keptAside)} (restore that file to undo).`);
  }
  for (const side of report.removed) lines.push(`Removed the stale ${show(side)}.`);
  lines.push(
    `Restored ${show(report.target)} from ${show(report.backup)} in ${(report.ms / 1000).toFixed(2)} s.` +
      (pending > 0 ? ` The server applies the ${pending} newer migration(s) when it starts.` : ''),
  );
  return lines.join('\n');
}

/** UTC time for a file name: sortable, and without the colons some file systems refuse. */
export function fileStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/** `action` says what the command does to the file: "db:backup copies". */
function localDatabaseFile(url: string, action: string): string {
  const file = sqliteFilePath(url);
  if (file) return file;
  if (url.startsWith('file:')) throw new BackupError(`DATABASE_URL is an in-memory database: ${action} only a file.`);
  // @libsql/client sends `VACUUM INTO` to the server like any statement (one `execute` in a
  // /v2/pipeline request), so the file would land on the server's disk; and libSQL server's
  // statement check has no case for VACUUM, so it answers "unsupported statement" anyway.
  throw new BackupError(
    `DATABASE_URL points at a libSQL server (${serverName(url)}), and ${action} only a SQLite file; ` +
      `use the server's own backups: on Turso, point-in-time restore (turso db create <new-db> --from-db <db> --timestamp <UTC time>) ` +
      `or a dump (turso db shell <db> .dump); on a self-hosted sqld, its bottomless backups or GET /dump.`,
  );
}

function serverName(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return 'a server URL';
  }
}

function backupTarget(target: string | undefined, now: Date): string {
  const name = `app-${fileStamp(now)}.db`;
  if (target === undefined) return resolve('backups', name);
  const path = resolve(target);
  const isFolder = /[/\\]$/.test(target) || (existsSync(path) && statSync(path).isDirectory());
  return isFolder ? join(path, name) : path;
}

function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [first, second] = [statSync(a), statSync(b)];
  return first.dev === second.dev && first.ino === second.ino;
}

function openFile(file: string, busyTimeoutMs = 5000): Client {
  return createClient({ url: pathToFileURL(file).href, timeout: busyTimeoutMs, concurrency: 1 });
}

async function vacuumInto(source: string, temporary: string): Promise<void> {
  let client: Client | undefined;
  try {
    client = openFile(source);
    // Reading the schema first tells a damaged database apart from a target that cannot be written.
    await client.execute('SELECT count(*) FROM sqlite_schema');
  } catch (error) {
    client?.close();
    throw asBackupError(error, `The database ${show(source)}`);
  }
  try {
    // The path is bound as a value, never spliced into the SQL, so no file name can change it.
    await client.execute({ sql: 'VACUUM INTO ?', args: [temporary] });
  } catch (error) {
    const folder = show(dirname(temporary));
    if (error instanceof LibsqlError && error.code === 'SQLITE_CANTOPEN') {
      throw new BackupError(`Cannot write the backup in ${folder}.`);
    }
    if (error instanceof LibsqlError && error.code === 'SQLITE_FULL') {
      throw new BackupError(`The disk is full: the backup does not fit in ${folder}.`);
    }
    throw asBackupError(error, `The database ${show(source)}`);
  } finally {
    client.close();
  }
}

/** Opens a copy, runs SQLite's integrity check and reads what the reports print. */
async function checkCopy(file: string, subject: string): Promise<CopyFacts> {
  let client: Client | undefined;
  try {
    client = openFile(file);
    const check = await client.execute('PRAGMA integrity_check');
    const problems = check.rows
      .flatMap((row) => String(row[0]).split('\n'))
      .filter((line) => line !== 'ok' && !line.startsWith('*** '));
    if (problems.length > 0) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw new BackupError(`${subject} fails the integrity check: ${problems[0]}${more}.`);
    }
    const tables = (await client.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")).rows.map((row) =>
      String(row[0]),
    );
    const counts: RowCount[] = [];
    for (const { label, table } of KEY_TABLES) {
      counts.push({ label, rows: tables.includes(table) ? await countRows(client, table) : null });
    }
    if (!tables.includes('__drizzle_migrations')) return { migrations: null, latestMigrationAt: null, counts };
    const migrations = await client.execute('SELECT count(*), coalesce(max(created_at), 0) FROM __drizzle_migrations');
    const row = migrations.rows[0];
    return { migrations: Number(row?.[0]), latestMigrationAt: Number(row?.[1]), counts };
  } catch (error) {
    throw asBackupError(error, subject);
  } finally {
    client?.close();
  }
}

async function countRows(client: Client, table: string): Promise<number> {
  return Number((await client.execute(`SELECT count(*) FROM "${table}"`)).rows[0]?.[0]);
}

function knownMigrations(folder: string): { count: number; latestAt: number } {
  const journal = JSON.parse(readFileSync(join(folder, 'meta/_journal.json'), 'utf8')) as {
    entries: { when: number }[];
  };
  return { count: journal.entries.length, latestAt: Math.max(0, ...journal.entries.map((entry) => entry.when)) };
}

/**
 * Makes sure no other process has the database open, and folds its write-ahead log into the file
 * so the file alone is the whole database. Leaving WAL mode needs every other connection gone:
 * the app keeps a connection open all the time it runs, idle or not, so a running server (or
 * worker) makes this fail, where a write lock alone (`BEGIN EXCLUSIVE`) would not see an idle one.
 * Returns why the database could not be read, or null when it was taken over.
 */
async function takeOverDatabase(live: string, busyTimeoutMs: number): Promise<string | null> {
  const inUse = new BackupError(
    `${show(live)} is in use by another process: stop the server (and any worker) first, then restore again.`,
  );
  let client: Client | undefined;
  try {
    client = openFile(live, busyTimeoutMs);
    const mode = (await client.execute('PRAGMA journal_mode = DELETE')).rows[0]?.[0];
    if (mode !== 'delete') throw inUse;
    // Without WAL, a connection in the middle of a transaction holds a lock this meets.
    await client.executeMultiple('BEGIN EXCLUSIVE; COMMIT;');
    return null;
  } catch (error) {
    if (error instanceof LibsqlError && error.code.startsWith('SQLITE_BUSY')) throw inUse;
    if (error instanceof LibsqlError && (error.code === 'SQLITE_NOTADB' || error.code === 'SQLITE_CORRUPT')) {
      return sqliteMessage(error);
    }
    throw asBackupError(error, `The current database ${show(live)}`);
  } finally {
    client?.close();
  }
}

/** A second name for the current file, so the name can take the backup without a moment of no database. */
function keepAside(live: string, aside: string): void {
  try {
    linkSync(live, aside);
  } catch {
    copyFileSync(live, aside);
    syncFile(aside);
  }
}

/** The restored file keeps the permissions and, where allowed, the owner of the one it replaces. */
function matchOwnership(file: string, like: string): void {
  const { mode, uid, gid } = statSync(like);
  chmodSync(file, mode & 0o777);
  try {
    chownSync(file, uid, gid);
  } catch {
    // Only root can give a file away; anyone else restores as the owner anyway.
  }
}

function moveIntoPlace(temporary: string, file: string, replace: boolean): void {
  if (replace) {
    renameSync(temporary, file);
    return;
  }
  try {
    // A link fails if the name was taken meanwhile, where a rename would replace it.
    linkSync(temporary, file);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') {
      throw new BackupError(`${show(file)} already exists: choose another file, or pass --force to replace it.`);
    }
    renameSync(temporary, file);
  }
}

function syncFile(file: string): void {
  const descriptor = openSync(file, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/** Makes a rename durable: it lives in the folder's own data. */
function syncFolder(folder: string): void {
  try {
    syncFile(folder);
  } catch {
    // Some file systems cannot sync a folder; the file itself is synced.
  }
}

function removeWithSideFiles(file: string): void {
  for (const suffix of ['', ...SIDE_FILES]) rmSync(file + suffix, { force: true });
}

function asBackupError(error: unknown, subject: string): Error {
  if (error instanceof BackupError) return error;
  if (error instanceof LibsqlError) {
    switch (error.code) {
      case 'SQLITE_NOTADB':
        return new BackupError(`${subject} is not a SQLite database.`);
      case 'SQLITE_CORRUPT':
        return new BackupError(`${subject} is corrupt: ${sqliteMessage(error)}.`);
      case 'SQLITE_FULL':
        return new BackupError(`${subject}: the disk is full.`);
      default:
        return new BackupError(`${subject}: ${sqliteMessage(error)}.`);
    }
  }
  if (errorCode(error)) return new BackupError(`${subject}: ${reason(error)}.`);
  return error instanceof Error ? error : new Error(String(error));
}

function sqliteMessage(error: LibsqlError): string {
  return error.message.replace(/^SQLITE_\w+: /, '');
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A path as the person typed it: relative to the working folder when inside it. */
function show(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatCounts(counts: RowCount[]): string {
  return counts
    .map(({ label, rows }) => `${label}: ${rows === null ? 'no table' : rows.toLocaleString('en-US')}`)
    .join(', ');
}
