/**
 * What the source declares, for tests that must cover all of it: every Astro Action, as
 * `domain.name`, read from src/actions, and each one's input schema; every route in src/pages
 * with the query parameters it reads; every server island; every table of db/schema.ts (so a new
 * one, or a new field or parameter, without a test row fails those tests).
 */
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, vi } from 'vitest';
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

/** An Action as defined in src/actions: its input schema, when it takes input. */
export interface ActionDefinition {
  accept?: 'form' | 'json';
  input?: { shape: Record<string, unknown>; safeParse: (value: unknown) => { success: boolean } };
}

/**
 * Every Action's definition, as `domain.name`: src/actions/index.ts imported with defineAction
 * handing its definition back (and no database opened). Only the imports run: nothing is called.
 */
export async function actionDefinitions(): Promise<Record<string, ActionDefinition>> {
  vi.doMock('astro:actions', () => ({
    defineAction: (definition: ActionDefinition) => definition,
    ActionError: class extends Error {},
  }));
  const { server } = (await import('../../src/actions/index.ts')) as unknown as {
    server: Record<string, Record<string, ActionDefinition>>;
  };
  vi.doUnmock('astro:actions');
  return Object.fromEntries(
    Object.entries(server).flatMap(([domain, actions]) =>
      Object.entries(actions).map(([name, definition]) => [`${domain}.${name}`, definition]),
    ),
  );
}

/** Every table declared in db/schema.ts, by its SQL name. */
export function tablesInSchema(): string[] {
  return Object.values(schema as Record<string, unknown>)
    .filter((value): value is SQLiteTable => is(value, SQLiteTable))
    .map((table) => getTableConfig(table).name);
}

/** A page's own reads of its query string: `searchParams.get('q')`, `params.getAll('q')`. */
const QUERY_READ = /(?:searchParams|params)\.get(?:All)?\('([\w-]+)'\)/g;

/**
 * Functions in src/lib that read a page's query string (they take URLSearchParams or Astro), and
 * the parameters each reads, literally or through queryDateProblem's list.
 */
function queryReadersInLib(): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const entry of readdirSync('src/lib', { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const match of text.matchAll(/export (?:async )?function (\w+)\(([^)]*)\)[^{]*\{/g)) {
      if (!/URLSearchParams|AstroGlobal/.test(match[2]!)) continue;
      const end = text.indexOf('\n}\n', match.index);
      const body = text.slice(match.index, end === -1 ? undefined : end);
      const names = [...body.matchAll(QUERY_READ)].map((read) => read[1]!);
      for (const list of body.matchAll(/queryDateProblem\(\w+, \[([^\]]*)\]\)/g))
        names.push(...[...list[1]!.matchAll(/'([\w-]+)'/g)].map((name) => name[1]!));
      readers.set(match[1]!, names);
    }
  }
  return readers;
}

export interface RouteInSource {
  /** `/articles/[slug]` */
  route: string;
  prerendered: boolean;
  /** The query parameters it reads, itself or through a function of src/lib. */
  query: string[];
}

/** Every file under src/pages as the route it serves, whether it is prerendered, and what it reads. */
export function routesInSource(): RouteInSource[] {
  const files = readdirSync('src/pages', { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  expect(files.length).toBeGreaterThan(0);
  const readers = queryReadersInLib();
  return files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const route = `/${relative('src/pages', file).split(sep).join('/')}`
      .replace(/\.(astro|ts|md|mdx)$/, '')
      .replace(/\/index$/, '');
    const query = new Set([...text.matchAll(QUERY_READ)].map((read) => read[1]!));
    for (const [name, params] of readers)
      if (new RegExp(`\\b${name}\\(`).test(text)) for (const param of params) query.add(param);
    return { route: route || '/', prerendered: /export const prerender = true/.test(text), query: [...query].sort() };
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
