/**
 * The server's read path (db/fast-reads.ts) against @libsql/client on the same file: every query
 * gives the same rows, read every way callers read them, and sees every committed write.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ResultSet } from '@libsql/client';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../db/connect.ts';
import { fastReads, type FastReads } from '../../db/fast-reads.ts';
import { users } from '../../db/schema.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

let file: string;
let url: string;
let client: Client;
let reads: FastReads;

beforeAll(async () => {
  ({ file, url } = freshDatabaseFile());
  client = testClient(url);
  reads = fastReads(file, 5000);
  await client.execute('CREATE TABLE samples (id INTEGER PRIMARY KEY, label TEXT, amount REAL, data BLOB, empty TEXT)');
});
afterAll(() => {
  reads.close();
  client.close();
});

/** A result as every caller reads it: arrays (drizzle), named fields, keys, JSON, and `length`. */
function seen(result: ResultSet) {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes,
    arrays: result.rows.map((row) => Array.prototype.slice.call(row)),
    named: result.rows.map((row) => Object.fromEntries(Object.keys(row).map((key) => [key, row[key]]))),
    json: JSON.stringify(result.rows),
    lengths: result.rows.map((row) => row.length),
  };
}

const text = fc.string({ unit: fc.constantFrom('a', 'é', '"', "'", ',', '😀', '\n', ' ', 'Z'), maxLength: 12 });
const sample = fc.record({
  label: fc.option(text, { nil: null }),
  amount: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
  data: fc.option(fc.uint8Array({ maxLength: 8 }), { nil: null }),
});

describe('fast reads', () => {
  it('read exactly what the client reads, whatever the rows hold and however they are read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sample, { maxLength: 6 }), fc.integer({ min: -3, max: 3 }), async (rows, bound) => {
        await client.execute('DELETE FROM samples');
        for (const row of rows)
          await client.execute({
            sql: 'INSERT INTO samples (label, amount, data) VALUES (?, ?, ?)',
            args: [row.label, row.amount, row.data ? row.data.buffer.slice(0) : null],
          });
        for (const statement of [
          { sql: 'SELECT * FROM samples ORDER BY id', args: [] },
          {
            sql: 'SELECT id, label, id AS "0", label AS length, count(*) OVER () AS n FROM samples ORDER BY id',
            args: [],
          },
          { sql: 'SELECT label, label FROM samples WHERE id > ? ORDER BY id', args: [bound] },
          { sql: 'WITH x AS (SELECT amount FROM samples) SELECT sum(amount) AS total, ? AS flag FROM x', args: [true] },
          { sql: 'SELECT * FROM samples WHERE id = ?', args: [-1] },
        ]) {
          const fast = reads.execute(statement);
          expect(fast, statement.sql).toBeDefined();
          expect(seen(fast!), statement.sql).toEqual(seen(await client.execute(statement)));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('sees a write committed on another connection, and leaves no reader behind to hold the log', async () => {
    await client.execute('DELETE FROM samples');
    expect(reads.execute('SELECT count(*) AS n FROM samples')!.rows[0]!['n']).toBe(0);
    await client.execute({ sql: 'INSERT INTO samples (label) VALUES (?)', args: ['new'] });
    expect(reads.execute('SELECT count(*) AS n FROM samples')!.rows[0]!['n']).toBe(1);
    const checkpoint = await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
    expect(checkpoint.rows[0]!['busy']).toBe(0);
  });

  it('hands back to the client what it does not run: integers past 2^53, named arguments, writes, bad SQL', () => {
    expect(reads.execute('SELECT 9007199254740993 AS n')).toBeUndefined();
    expect(reads.execute({ sql: 'SELECT :a AS a', args: { a: 1 } })).toBeUndefined();
    expect(reads.execute({ sql: 'INSERT INTO samples (label) VALUES (?)', args: ['x'] })).toBeUndefined();
    expect(reads.execute('SELECT * FROM no_such_table')).toBeUndefined();
  });

  it('keeps a bounded set of statements prepared and still answers after many distinct ones', () => {
    for (let n = 0; n < 700; n++) expect(reads.execute(`SELECT ${n} AS n`)!.rows[0]!['n']).toBe(n);
    expect(reads.execute('SELECT 1 AS n')!.rows[0]!['n']).toBe(1);
  });
});

describe('a database opened with fast reads', () => {
  let db: Database;
  beforeAll(() => {
    db = openDatabase({ url, fastReads: true });
  });
  afterAll(() => db.$client.close());

  it('reads its own writes through drizzle, and the client gives the same errors as before', async () => {
    await db.insert(users).values({ id: 'fast-1', email: 'fast@example.com', passwordHash: 'x', name: 'Fast' });
    const [row] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, 'fast-1'));
    expect(row).toEqual({ id: 'fast-1', name: 'Fast' });
    await db.update(users).set({ name: 'Faster' }).where(eq(users.id, 'fast-1'));
    const [changed] = await db.select().from(users).where(eq(users.id, 'fast-1'));
    expect(changed!.name).toBe('Faster');
    expect(changed!.createdAt).toBeInstanceOf(Date);
    await expect(db.$client.execute('SELECT * FROM no_such_table')).rejects.toThrow(/no such table/);
    await expect(db.$client.execute('SELECT 9007199254740993 AS n')).rejects.toThrow(RangeError);
  });
});
