/**
 * What the source declares, for tests that must cover all of it: every Astro Action, as
 * `domain.name`, read from src/actions (so a new action without a test row fails those tests),
 * and each one's input schema (so a new field is covered too).
 */
import { readFileSync } from 'node:fs';
import { expect, vi } from 'vitest';

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
  vi.doMock('../../src/lib/server/db', () => ({ db: {}, ensureDatabase: async () => {} }));
  const { server } = (await import('../../src/actions/index.ts')) as unknown as {
    server: Record<string, Record<string, ActionDefinition>>;
  };
  vi.doUnmock('astro:actions');
  vi.doUnmock('../../src/lib/server/db');
  return Object.fromEntries(
    Object.entries(server).flatMap(([domain, actions]) =>
      Object.entries(actions).map(([name, definition]) => [`${domain}.${name}`, definition]),
    ),
  );
}
