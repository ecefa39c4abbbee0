/**
 * What the source declares, for tests that must cover all of it: every Astro Action, as
 * `domain.name`, read from src/actions (so a new action without a test row fails those tests),
 * and every table of db/schema.ts.
 */
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as schema from '../../db/schema.ts';

export function actionsInSource(): string[] {
  const index = readFileSync('src/actions/index.ts', 'utf8');
  const domains = [...index.matchAll(/^import \{ (\w+) \} from '\.\/([\w-]+)';$/gm)].map((m) => [m[1]!, m[2]!]);
  expect(domains.length).toBeGreaterThan(0);
  const merged = /export const server = \{([^}]*)\}/
    .exec(index)![1]!
    .split(',')
    .map((name) => name.trim());
  expect(merged.sort()).toEqual(domains.map(([name]) => name).sort());
  return domains.flatMap(([domain, file]) =>
    [...readFileSync(`src/actions/${file}.ts`, 'utf8').matchAll(/^ {2}(\w+): defineAction\(/gm)].map(
      (m) => `${domain}.${m[1]}`,
    ),
  );
}

/** Every table declared in db/schema.ts, by its SQL name. */
export function tablesInSchema(): string[] {
  return Object.values(schema as Record<string, unknown>)
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => getTableConfig(table).name);
}
