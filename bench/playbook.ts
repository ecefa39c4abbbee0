/**
 * The real playbook for the bench scripts. Files under src/lib import each other without `.ts`
 * extensions (Vite resolves them), which Node's own loader cannot, so the playbook and the
 * zoned-time helpers are bundled with esbuild into one temporary ES module and imported from there.
 * Type-only imports below are erased by Node's type stripping, so the types stay the app's own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type * as PlaybookModule from '../src/lib/tracker/playbook.ts';
import type * as ZonedTimeModule from '../src/lib/time/zoned-time.ts';

export type Playbook = Pick<typeof PlaybookModule, 'nextStep' | 'planNextStep'> &
  Pick<typeof ZonedTimeModule, 'addDays' | 'localDate' | 'zonedInstant'>;

let loaded: Promise<Playbook> | undefined;

export function loadPlaybook(): Promise<Playbook> {
  loaded ??= (async () => {
    const root = resolve(import.meta.dirname, '..');
    const folder = mkdtempSync(join(tmpdir(), 'otfu-playbook-'));
    const outfile = join(folder, 'playbook.mjs');
    await build({
      stdin: {
        contents: `export { nextStep, planNextStep } from './src/lib/tracker/playbook.ts';
export { addDays, localDate, zonedInstant } from './src/lib/time/zoned-time.ts';`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outfile,
      logLevel: 'error',
    });
    try {
      return (await import(pathToFileURL(outfile).href)) as Playbook;
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  })();
  return loaded;
}
