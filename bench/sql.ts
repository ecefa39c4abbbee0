/**
 * SQL text for the benchmark seeds: their rows go in as multi-row INSERTs with the values written
 * into the statement, because binding every value through the driver costs more than the rest of
 * the seeding. Only for generated values, never anything a user typed.
 */
import type { InValue } from '@libsql/client';

/** A value written into the SQL text. */
export function literal(value: InValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`no SQL literal for ${typeof value}`);
}

/** Multi-row INSERTs of `rows` (all with the same columns), `perStatement` rows a statement. */
export function inserts(table: string, rows: Record<string, InValue>[], perStatement: number): string[] {
  if (rows.length === 0) return [];
  const columns = Object.keys(rows[0]!);
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const values = rows
      .slice(start, start + perStatement)
      .map((row) => `(${columns.map((column) => literal(row[column] ?? null)).join(',')})`);
    statements.push(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`);
  }
  return statements;
}
