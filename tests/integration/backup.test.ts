/**
 * `db:backup` and `db:restore` on real database files: a backup taken while another process keeps
 * writing, restores that bring back exactly what was backed up, every refusal leaving the live
 * database as it was, and both commands run as processes the way the npm scripts run them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Client } from '@libsql/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BackupError, backupDatabase, restoreDatabase } from '../../db/backup.ts';
import { openDatabase, prepareDatabase } from '../../db/connect.ts';
import { freshDatabaseFile, MIGRATION_COUNT, testClient } from '../setup/test-database.ts';

// libsql 0.5.29 closes a connection only once the garbage collector has finalized its prepared
// statements (tursodatabase/libsql-js#228): a client closed in this process would go on holding
// the database open, and restore would rightly find it in use. So the tests collect garbage
// after closing, as the end of a command's process does.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function releaseConnections(): Promise<void> {
  collectGarbage();
  await sleep(20);
  collectGarbage();
}

/** Every folder these tests make (some hold 20 MB databases), removed at the end. */
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function scratchFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

interface LiveDatabase {
  file: string;
  url: string;
  folder: string;
}

/** A migrated database in WAL mode, as a server leaves it, alone in its folder. */
async function liveDatabase(): Promise<LiveDatabase> {
  const { file, url } = freshDatabaseFile();
  folders.push(dirname(file));
  const db = openDatabase({ url });
  await prepareDatabase(db);
  db.$client.close();
  await releaseConnections();
  return { file, url, folder: dirname(file) };
}

async function withDatabase<T>(file: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = testClient(pathToFileURL(file).href);
  try {
    return await use(client);
  } finally {
    client.close();
    await releaseConnections();
  }
}

const leadIds = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${String(from + i).padStart(6, '0')}`);

async function insertLeads(file: string, ids: string[]): Promise<void> {
  await withDatabase(file, (client) =>
    client.batch(
      ids.map((id) => ({
        sql: "INSERT INTO leads (id, email, status, consent_text, consent_at) VALUES (?, ?, 'confirmed', 'test', 0)",
        args: [id, `${id}@example.test`],
      })),
      'write',
    ),
  );
}

async function readLeadIds(file: string, prefix = ''): Promise<string[]> {
  return withDatabase(file, async (client) => {
    const result = await client.execute({
      sql: 'SELECT id FROM leads WHERE id LIKE ? ORDER BY id',
      args: [`${prefix}%`],
    });
    return result.rows.map((row) => String(row[0]));
  });
}

async function integrityOf(file: string): Promise<string> {
  return withDatabase(file, async (client) => String((await client.execute('PRAGMA integrity_check')).rows[0]?.[0]));
}

/** The live database's bytes and the names beside it: what "untouched" means. */
function fingerprint(live: LiveDatabase): { sha256: string; files: string[] } {
  return {
    sha256: createHash('sha256').update(readFileSync(live.file)).digest('hex'),
    files: readdirSync(live.folder).sort(),
  };
}

const writers = new Set<ChildProcess>();
afterEach(() => {
  for (const writer of writers) writer.kill('SIGKILL');
  writers.clear();
});

/** tests/fixtures/lead-writer.ts in its own process: the running app. */
function startWriter(file: string, mode?: '--idle') {
  const child = spawn(process.execPath, ['tests/fixtures/lead-writer.ts', file, ...(mode ? [mode] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  writers.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => chunk.includes('ready') && resolve());
    void exited.then(([code]) => reject(new Error(`the writer exited (${code}) before its first commit: ${stderr}`)));
  });
  return {
    ready,
    async stop(): Promise<{ code: number | null; stderr: string }> {
      child.kill('SIGTERM');
      const [code] = await exited;
      writers.delete(child);
      return { code, stderr };
    },
  };
}

async function run(script: string, args: string[], url: string) {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('db:backup while the app works', () => {
  it('copies one consistent instant holding every row committed before it started, and the writer goes on', async () => {
    const live = await liveDatabase();
    // 40,000 leads (about 20 MB) make the copy take long enough for the writer to commit meanwhile.
    await withDatabase(live.file, (client) =>
      client.execute(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000)
        INSERT INTO leads (id, email, status, consent_text, consent_at)
        SELECT printf('s-%06d', i), printf('s-%06d@example.test', i), 'confirmed', printf('%.300c', 'x'), 0 FROM n`),
    );
    // A long read (an export, a report) keeps every later commit in the log, not yet in the file
    // itself: only a copy made through SQLite sees them.
    const reader = testClient(live.url);
    const longRead = await reader.transaction('read');
    await longRead.execute('SELECT count(*) FROM leads');
    const writer = startWriter(live.file);
    await writer.ready;
    await sleep(100);

    const committedBefore = (await readLeadIds(live.file, 'w-')).length;
    const started = Date.now();
    const report = await backupDatabase({ url: live.url, target: join(live.folder, 'backups', 'during-writes.db') });
    const ended = Date.now();
    longRead.close();
    reader.close();

    expect(await integrityOf(report.target)).toBe('ok');
    const copied = await readLeadIds(report.target, 'w-');
    // One instant of the database: the writer's leads from the first up to some point, none missing.
    expect(copied).toEqual(leadIds('w', 1, copied.length));
    expect(copied.length).toBeGreaterThanOrEqual(committedBefore);
    expect(report.counts).toContainEqual({ label: 'leads', rows: 40_000 + copied.length });
    expect(report.migrations).toBe(MIGRATION_COUNT);

    const committedDuring = await withDatabase(live.file, async (client) => {
      const result = await client.execute({
        sql: "SELECT count(*) FROM leads WHERE id LIKE 'w-%' AND created_at BETWEEN ? AND ?",
        args: [started, ended],
      });
      return Number(result.rows[0]?.[0]);
    });
    expect(committedDuring).toBeGreaterThan(0);
    expect(await writer.stop()).toEqual({ code: 0, stderr: '' });
    expect((await readLeadIds(live.file, 'w-')).length).toBeGreaterThan(copied.length);
  }, 60_000);
});

describe('db:restore', () => {
  it('brings back exactly the backed-up rows, keeps the replaced database aside, and can be undone', async () => {
    const live = await liveDatabase();
    await insertLeads(live.file, leadIds('a', 1, 30));
    const { target: backup } = await backupDatabase({ url: live.url, target: join(live.folder, 'backup.db') });
    await insertLeads(live.file, leadIds('b', 1, 20));
    await withDatabase(live.file, async (client) => {
      await client.execute("DELETE FROM leads WHERE id = 'a-000001'");
      await client.execute("UPDATE leads SET email = 'changed@example.test' WHERE id = 'a-000002'");
    });
    const before = await readLeadIds(live.file);
    await releaseConnections();

    const report = await restoreDatabase({ url: live.url, backup, now: new Date('2026-11-20T10:15:30.123Z') });

    expect(await readLeadIds(live.file)).toEqual(leadIds('a', 1, 30));
    expect(
      await withDatabase(live.file, async (client) =>
        String((await client.execute("SELECT email FROM leads WHERE id = 'a-000002'")).rows[0]?.[0]),
      ),
    ).toBe('a-000002@example.test');
    expect(await integrityOf(live.file)).toBe('ok');
    expect(report.keptAside).toBe(`${live.file}.before-restore-2026-11-20T10-15-30Z`);
    expect(await readLeadIds(report.keptAside!)).toEqual(before);
    expect(report).toMatchObject({ migrations: MIGRATION_COUNT, knownMigrations: MIGRATION_COUNT, unreadable: null });
    expect(readdirSync(live.folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    // The server starts on the restored file as on any other.
    const db = openDatabase({ url: live.url });
    await prepareDatabase(db);
    expect((await db.$client.execute('PRAGMA journal_mode')).rows[0]?.[0]).toBe('wal');
    db.$client.close();
    await releaseConnections();

    await restoreDatabase({ url: live.url, backup: report.keptAside! });
    expect(await readLeadIds(live.file)).toEqual(before);
  });

  it('refuses while a server has the database open, even an idle one, and goes ahead once it has stopped', async () => {
    const live = await liveDatabase();
    await insertLeads(live.file, leadIds('a', 1, 5));
    const { target: backup } = await backupDatabase({
      url: live.url,
      target: join(live.folder, 'backup.db'),
    });
    const server = startWriter(live.file, '--idle');
    await server.ready;
    await releaseConnections();
    const files = readdirSync(live.folder).sort();

    await expect(restoreDatabase({ url: live.url, backup })).rejects.toThrow(
      /is in use by another process: stop the server \(and any worker\) first/,
    );
    expect(readdirSync(live.folder).sort()).toEqual(files);
    expect(await readLeadIds(live.file)).toEqual([...leadIds('a', 1, 5), 'w-000001']);

    expect((await server.stop()).code).toBe(0);
    await releaseConnections();
    await restoreDatabase({ url: live.url, backup });
    expect(await readLeadIds(live.file)).toEqual(leadIds('a', 1, 5));
  }, 60_000);

  it('replaces a database that can no longer be read, keeping it and its log aside as they were', async () => {
    const live = await liveDatabase();
    await insertLeads(live.file, leadIds('a', 1, 5));
    const { target: backup } = await backupDatabase({ url: live.url, target: join(live.folder, 'backup.db') });
    await releaseConnections();
    const garbage = randomBytes(16 * 1024);
    writeFileSync(live.file, garbage);
    writeFileSync(`${live.file}-wal`, 'the last writes, perhaps');

    const report = await restoreDatabase({ url: live.url, backup });

    expect(report.unreadable).toBe('file is not a database');
    expect(readFileSync(report.keptAside!)).toEqual(garbage);
    expect(readFileSync(`${report.keptAside!}-wal`, 'utf8')).toBe('the last writes, perhaps');
    expect(existsSync(`${live.file}-wal`)).toBe(false);
    expect(await readLeadIds(live.file)).toEqual(leadIds('a', 1, 5));
  });

  it('on a machine with no database yet, removes a stale log left beside it instead of replaying it', async () => {
    const source = await liveDatabase();
    await insertLeads(source.file, leadIds('a', 1, 10));
    const { target: backup } = await backupDatabase({ url: source.url, target: join(source.folder, 'backup.db') });

    // Another database's write-ahead log with frames not yet checkpointed, left where the restored file goes.
    const other = await liveDatabase();
    const target = join(scratchFolder('otfu-new-machine-'), 'data', 'app.db');
    const client = testClient(pathToFileURL(other.file).href);
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute(
      "INSERT INTO leads (id, email, status, consent_text, consent_at) VALUES ('stale', 'stale@example.test', 'confirmed', 'test', 0)",
    );
    expect(statSync(`${other.file}-wal`).size).toBeGreaterThan(0);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(`${other.file}-wal`, `${target}-wal`);
    copyFileSync(`${other.file}-shm`, `${target}-shm`);
    client.close();

    const report = await restoreDatabase({ url: pathToFileURL(target).href, backup });

    expect(report.keptAside).toBeNull();
    expect(report.removed.sort()).toEqual([`${target}-shm`, `${target}-wal`]);
    expect(await readLeadIds(target)).toEqual(leadIds('a', 1, 10));
    expect(await integrityOf(target)).toBe('ok');
  });
});

describe('refusals leave the live database as it was', () => {
  let live: LiveDatabase;
  let backup: string;
  let scratch: string;

  beforeAll(async () => {
    live = await liveDatabase();
    await insertLeads(live.file, leadIds('a', 1, 200));
    scratch = scratchFolder('otfu-bad-backups-');
    ({ target: backup } = await backupDatabase({ url: live.url, target: join(scratch, 'good.db') }));
    await releaseConnections();
  });

  async function copyOfBackup(name: string, change: (file: string) => void | Promise<void>): Promise<string> {
    const file = join(scratch, name);
    copyFileSync(backup, file);
    await change(file);
    return file;
  }

  it.each<[string, () => Promise<string>, RegExp]>([
    ['a missing file', async () => join(scratch, 'missing.db'), /^There is no backup at .*missing\.db\.$/],
    ['a folder', async () => scratch, /is not a file\.$/],
    [
      'random bytes',
      async () => {
        const file = join(scratch, 'random.db');
        writeFileSync(file, randomBytes(64 * 1024));
        return file;
      },
      /^The backup .*random\.db is not a SQLite database\.$/,
    ],
    [
      'a truncated copy',
      () => copyOfBackup('truncated.db', (file) => truncateSync(file, Math.floor(statSync(file).size / 2))),
      /^The backup .*truncated\.db (is corrupt|fails the integrity check)/,
    ],
    [
      'a copy with damaged pages',
      () =>
        copyOfBackup('damaged.db', (file) => {
          const bytes = readFileSync(file);
          bytes.fill(0xff, 4096 * 3, 4096 * 6);
          writeFileSync(file, bytes);
        }),
      /^The backup .*damaged\.db (is corrupt|fails the integrity check)/,
    ],
    [
      "another app's database",
      async () => {
        const file = join(scratch, 'other-app.db');
        await withDatabase(file, (client) => client.execute('CREATE TABLE notes (body TEXT)'));
        return file;
      },
      /has no __drizzle_migrations table: it is not a backup of this app's database\.$/,
    ],
    [
      'a backup from a newer version',
      () =>
        copyOfBackup('newer.db', (file) =>
          withDatabase(file, async (client) => {
            await client.execute(
              "INSERT INTO __drizzle_migrations (hash, created_at) SELECT 'from-the-future', max(created_at) + 1 FROM __drizzle_migrations",
            );
          }),
        ),
      new RegExp(
        `comes from a newer version of the app \\(${MIGRATION_COUNT + 1} migrations; this code knows ${MIGRATION_COUNT}\\)`,
      ),
    ],
    ['the live database itself', async () => live.file, /is the database itself: nothing to restore\.$/],
  ])('restore refuses %s', async (_, makeBackup, message) => {
    const bad = await makeBackup();
    await releaseConnections();
    const before = fingerprint(live);

    const error = await restoreDatabase({ url: live.url, backup: bad }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BackupError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    expect(fingerprint(live)).toEqual(before);
  });

  it('backup refuses a target that exists unless forced', async () => {
    const target = join(scratch, 'taken.db');
    writeFileSync(target, 'an earlier file');
    const before = fingerprint(live);

    await expect(backupDatabase({ url: live.url, target })).rejects.toThrow(
      /taken\.db already exists: choose another file, or pass --force to replace it\.$/,
    );
    expect(readFileSync(target, 'utf8')).toBe('an earlier file');
    expect(fingerprint(live)).toEqual(before);

    await backupDatabase({ url: live.url, target, force: true });
    expect(await readLeadIds(target)).toEqual(leadIds('a', 1, 200));
  });

  it('backup takes a file name with quotes and SQL in it as a name', async () => {
    const target = join(scratch, `it's "odd"; DROP TABLE leads; --.db`);
    const report = await backupDatabase({ url: live.url, target });
    expect(report.target).toBe(target);
    expect(await readLeadIds(target)).toEqual(leadIds('a', 1, 200));
    expect(await readLeadIds(live.file)).toEqual(leadIds('a', 1, 200));
  });

  it('backup refuses a missing database without creating it, and a folder it cannot create', async () => {
    const missing = join(scratch, 'nowhere', 'app.db');
    await expect(backupDatabase({ url: pathToFileURL(missing).href })).rejects.toThrow(
      /^There is no database at .*nowhere\/app\.db to back up\.$/,
    );
    expect(existsSync(dirname(missing))).toBe(false);

    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    await expect(backupDatabase({ url: live.url, target: join(file, 'backup.db') })).rejects.toThrow(
      /^Cannot create the folder .*a-file: /,
    );
  });

  it('backup refuses a damaged database or a file that is not one, and leaves no file behind', async () => {
    const damaged = join(scratchFolder('otfu-damaged-'), 'app.db');
    copyFileSync(backup, damaged);
    const bytes = readFileSync(damaged);
    bytes.fill(0xff, 4096 * 3, 4096 * 6);
    writeFileSync(damaged, bytes);
    const notDatabase = join(dirname(damaged), 'notes.txt');
    writeFileSync(notDatabase, randomBytes(8192));

    for (const [file, message] of [
      [damaged, /app\.db (is corrupt|fails the integrity check)/],
      [notDatabase, /^The database .*notes\.txt is not a SQLite database\.$/],
    ] as const) {
      const target = join(scratch, 'from-damaged', 'copy.db');
      await expect(backupDatabase({ url: pathToFileURL(file).href, target })).rejects.toThrow(message);
      expect(existsSync(target)).toBe(false);
      expect(readdirSync(dirname(target))).toEqual([]);
    }
  });

  it('both refuse a libSQL server, pointing at its own backups', async () => {
    // Nothing listens on the discard port: any attempt to reach it would fail differently.
    for (const url of ['http://127.0.0.1:9', 'libsql://example.turso.io?authToken=secret']) {
      await expect(backupDatabase({ url })).rejects.toThrow(/libSQL server .*point-in-time restore/);
      await expect(restoreDatabase({ url, backup })).rejects.toThrow(/libSQL server .*point-in-time restore/);
    }
    const error = await backupDatabase({ url: 'libsql://example.turso.io?authToken=secret' }).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('the npm scripts', () => {
  it('back up and restore as processes, and fail with one line and a non-zero exit', async () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['db:backup']).toBe('node scripts/db-backup.ts');
    expect(scripts['db:restore']).toBe('node scripts/db-restore.ts');

    const live = await liveDatabase();
    await withDatabase(live.file, async (client) => {
      await client.batch(
        [
          "INSERT INTO users (id, email, password_hash) VALUES ('u1', 'one@example.test', 'x'), ('u2', 'two@example.test', 'x')",
          `INSERT INTO opportunities (id, user_id, kind, company, contact_name, last_activity_at)
            VALUES ('o1', 'u1', 'interview', 'Acme', 'Ada', 0)`,
        ],
        'write',
      );
    });
    await insertLeads(live.file, leadIds('a', 1, 3));
    const target = join(live.folder, 'backups', 'nightly.db');

    const backedUp = await run('scripts/db-backup.ts', [target], live.url);
    expect(backedUp.stderr).toBe('');
    expect(backedUp.code).toBe(0);
    expect(backedUp.stdout).toContain(`to ${target}`);
    expect(backedUp.stdout).toContain(`integrity ok, ${MIGRATION_COUNT} migrations`);
    expect(backedUp.stdout).toContain('users: 2, leads: 3, tracker entries: 1');
    expect(backedUp.stdout).toMatch(/took \d+\.\d\d s/);

    await insertLeads(live.file, leadIds('b', 1, 4));
    const restored = await run('scripts/db-restore.ts', [target], live.url);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/Kept the previous database as .*test\.db\.before-restore-[\dT-]+Z/);
    expect(restored.stdout).toContain(`Restored ${live.file} from ${target}`);
    expect(await readLeadIds(live.file)).toEqual(leadIds('a', 1, 3));

    const missing = await run('scripts/db-restore.ts', [join(live.folder, 'missing.db')], live.url);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^db:restore: There is no backup at .*missing\.db\.\n$/);
  }, 60_000);
});
