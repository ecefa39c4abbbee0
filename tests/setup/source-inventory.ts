/**
 * What the source declares, for tests that must cover all of it: every Astro Action, as
 * `domain.name`, read from src/actions; every route in src/pages; every server island; every
 * table of db/schema.ts (so a new one without a test row fails those tests).
 */
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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

/** Every file under src/pages as the route it serves (`/articles/[slug]`), and whether it is prerendered. */
export function routesInSource(): { route: string; prerendered: boolean }[] {
  const files = readdirSync('src/pages', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  expect(files.length).toBeGreaterThan(0);
  return files.map((file) => {
    const route = `/${relative('src/pages', file).split(sep).join('/')}`
      .replace(/\.(astro|ts|md|mdx)$/, '')
      .replace(/\/index$/, '');
    return { route: route || '/', prerendered: /export const prerender = true/.test(readFileSync(file, 'utf8')) };
  });
}

/** The components rendered as server islands (`<Name server:defer>` anywhere under src). */
export function serverIslandsInSource(): string[] {
  const names = new Set<string>();
  for (const entry of readdirSync('src', { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.astro')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const [, name] of text.matchAll(/<([A-Z]\w*)\b[^>]*\sserver:defer\b/g)) names.add(name!);
  }
  expect(names.size).toBeGreaterThan(0);
  return [...names].sort();
}
