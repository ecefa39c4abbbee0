import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkDatabase, openDatabase, prepareDatabase, sqliteFilePath } from '../../db/connect.ts';
import { appSettings } from '../../db/schema.ts';
import { MIGRATION_COUNT, openTestDatabase } from '../setup/test-database.ts';

describe('sqliteFilePath', () => {
  it.each([
    ['file:data/app.db', join(process.cwd(), 'data/app.db')],
    ['file:///var/lib/app.db', '/var/lib/app.db'],
    ['file::memory:', undefined],
    ['libsql://my-db.turso.io', undefined],
    ['http://127.0.0.1:8080', undefined],
  ])('%s → %s', (url, path) => {
    expect(sqliteFilePath(url)).toBe(path);
  });
});

describe('a new SQLite database', () => {
  it('is created with its folder, migrated, and set to WAL, foreign keys and a busy timeout', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otfu-new-')), 'nested/folder/app.db');
    const db = openDatabase({ url: pathToFileURL(file).href, busyTimeoutMs: 1234 });
    await prepareDatabase(db);
    expect(existsSync(file)).toBe(true);

    const pragma = async (name: string) => (await db.$client.execute(`PRAGMA ${name}`)).rows[0]?.[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(Number(await pragma('foreign_keys'))).toBe(1);
    expect(Number(await pragma('busy_timeout'))).toBe(1234);
    expect(await checkDatabase(db)).toEqual({ ok: true, migrations: MIGRATION_COUNT });
    db.$client.close();
  });

  it('can be prepared again on every start without changing anything', async () => {
    const { db } = openTestDatabase();
    await db.insert(appSettings).values({ key: 'comments.holdFirst', value: true });
    await prepareDatabase(db);
    await prepareDatabase(db);
    expect(await checkDatabase(db)).toEqual({ ok: true, migrations: MIGRATION_COUNT });
    expect(await db.select().from(appSettings)).toMatchObject([{ key: 'comments.holdFirst', value: true }]);
    db.$client.close();
  });

  it('stores settings as JSON and refuses a second row with the same key', async () => {
    const { db } = openTestDatabase();
    await db.insert(appSettings).values({ key: 'reminders.coachingOnly', value: { enabled: false } });
    await expect(db.insert(appSettings).values({ key: 'reminders.coachingOnly', value: 1 })).rejects.toThrow();
    const rows = await db.select().from(appSettings);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).toEqual({ enabled: false });
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    db.$client.close();
  });
});

describe('writes from one process', () => {
  it('take turns instead of deadlocking when transactions overlap', async () => {
    const { db } = openTestDatabase();
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.insert(appSettings).values({ key: `k${i}`, value: i });
          await new Promise((resolve) => setTimeout(resolve, 2));
          await tx.insert(appSettings).values({ key: `k${i}-again`, value: i });
        }),
      ),
    );
    // A plain write and a read while nothing else is running still go through.
    await db.insert(appSettings).values({ key: 'after', value: true });
    expect(await db.select().from(appSettings)).toHaveLength(41);
    // Far below the 5 s busy timeout a deadlock would have waited for.
    expect(Date.now() - started).toBeLessThan(4000);
    db.$client.close();
  });

  it('a failed transaction rolls back and lets the next writer in', async () => {
    const { db } = openTestDatabase();
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(appSettings).values({ key: 'half', value: 1 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await db.insert(appSettings).values({ key: 'next', value: 2 });
    expect((await db.select().from(appSettings)).map((row) => row.key)).toEqual(['next']);
    db.$client.close();
  });
});
