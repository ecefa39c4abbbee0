/**
 * Reads from a SQLite file on one connection of its own, with each statement prepared once and
 * its rows built cheaply. Measured on the tracker home (docs/decisions/0016): @libsql/client's
 * `execute` prepares the statement anew, asks the driver twice for its columns, and builds each
 * row with two `Object.defineProperty` calls per column; for the home's 35 listed entries that
 * was 0.96 ms a query against 0.26 ms for the same statement prepared once. The rows made here
 * read the same way as the client's (`row.name`, `row[0]`, `length`, only the names enumerable)
 * and hold the same values (integers as numbers, refused past 2^53 as the client refuses them;
 * blobs as ArrayBuffers), so drizzle and every `execute` caller see no difference.
 *
 * Only plain reads come here (serializeWrites in db/connect.ts decides); writes, transactions and
 * batches keep the client. Under WAL a read on this connection sees every committed write, as a
 * read on any of the client's connections does. A statement that fails here is run again by the
 * client, so errors keep the client's shape.
 */
import Sqlite from 'libsql';
import type { InStatement, InValue, ResultSet, Row } from '@libsql/client';

type NativeDatabase = InstanceType<typeof Sqlite>;
type NativeStatement = ReturnType<NativeDatabase['prepare']>;

interface Prepared {
  statement: NativeStatement;
  columns: string[];
  columnTypes: string[];
  makeRow: (values: unknown[]) => Row;
}

/** Distinct statements kept prepared; drizzle writes a new text for each length of an `IN (…)` list. */
const MAX_PREPARED = 500;
const VALUES = Symbol('values');
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** One row shape per statement: index getters and `length` on a shared prototype, names as own fields. */
function rowMaker(columns: readonly string[]): (values: unknown[]) => Row {
  const prototype: Record<PropertyKey, unknown> = {};
  Object.defineProperty(prototype, 'length', { value: columns.length });
  columns.forEach((_, index) =>
    Object.defineProperty(prototype, index, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][index];
      },
    }),
  );
  // As the client does: the first column of a name gives it its value; `length` and numeric names
  // would hide the row's array side, so they are reached by index only.
  const named = columns.map((name, index) =>
    columns.indexOf(name) === index && name !== 'length' && !/^\d+$/.test(name) ? name : undefined,
  );
  return (values) => {
    const row = Object.create(prototype) as Record<PropertyKey, unknown>;
    Object.defineProperty(row, VALUES, { value: values });
    for (let index = 0; index < named.length; index++) {
      const name = named[index];
      if (name !== undefined) row[name] = values[index];
    }
    return row as unknown as Row;
  };
}

/** A value as @libsql/client hands it back with `intMode: "number"`. */
function valueFromSql(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value < MIN_SAFE || value > MAX_SAFE)
      throw new RangeError('Received integer which cannot be safely represented as a JavaScript number');
    return Number(value);
  }
  if (Buffer.isBuffer(value)) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

/** An argument as @libsql/client binds it. */
function valueToSql(value: InValue | undefined): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.valueOf();
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
  return value;
}

export interface FastReads {
  /** The statement's result, or undefined when it is not one this path runs (the client then does). */
  execute(statement: InStatement): ResultSet | undefined;
  close(): void;
}

export function fastReads(file: string, busyTimeoutMs: number): FastReads {
  let database: NativeDatabase | undefined;
  const prepared = new Map<string, Prepared>();

  function prepare(sql: string): Prepared | undefined {
    const known = prepared.get(sql);
    if (known) {
      // Most recently used last, so the oldest is the first to go.
      prepared.delete(sql);
      prepared.set(sql, known);
      return known;
    }
    database ??= new Sqlite(file, { timeout: busyTimeoutMs });
    const statement = database.prepare(sql);
    if (!statement.reader) return undefined;
    statement.safeIntegers(true);
    statement.raw(true);
    const described = statement.columns() as { name: string; type: string | null }[];
    const columns = described.map((column) => column.name);
    const entry: Prepared = {
      statement,
      columns,
      columnTypes: described.map((column) => column.type ?? ''),
      makeRow: rowMaker(columns),
    };
    prepared.set(sql, entry);
    if (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
    return entry;
  }

  return {
    execute(input) {
      const sql = typeof input === 'string' ? input : input.sql;
      const rawArgs = typeof input === 'string' ? [] : input.args;
      // Named arguments are rare here and the client handles them: only positional ones come through.
      if (rawArgs !== undefined && !Array.isArray(rawArgs)) return undefined;
      try {
        const entry = prepare(sql);
        if (!entry) return undefined;
        const args = (rawArgs ?? []).map(valueToSql);
        const rows = (entry.statement.all(args) as unknown[][]).map((values) =>
          entry.makeRow(values.map(valueFromSql)),
        );
        return {
          columns: entry.columns,
          columnTypes: entry.columnTypes,
          rows,
          rowsAffected: 0,
          lastInsertRowid: undefined,
          toJSON: () => ({ columns: entry.columns, columnTypes: entry.columnTypes, rows, rowsAffected: 0 }),
        };
      } catch {
        return undefined;
      }
    },
    close() {
      prepared.clear();
      database?.close();
      database = undefined;
    },
  };
}
