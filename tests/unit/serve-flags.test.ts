import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serveFlags } from '../../bench/serve-flags.ts';

const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The flags between `node` and the entry file of a script that ends by running `node … <file>`. */
function flagsOf(script: string, file: string): string[] {
  const run = new RegExp(`exec node((?:\\s+--\\S+)*)\\s+${file.replaceAll('.', '\\.')}$`).exec(script);
  expect(run, `${script} runs ${file}`).not.toBeNull();
  return run![1]!.trim().split(/\s+/).filter(Boolean);
}

describe('the Node flags the site runs with', () => {
  it('are set once: serve, start and the worker run with the same ones, and the bench reads them', () => {
    const flags = serveFlags();
    expect(flags.length).toBeGreaterThan(0);
    expect(flagsOf(scripts['serve']!, 'dist/server/main.mjs')).toEqual(flags);
    expect(flagsOf(scripts['start']!, 'dist/server/main.mjs')).toEqual(flags);
    expect(flagsOf(scripts['worker']!, 'dist/server/worker.mjs')).toEqual(flags);
  });

  it('are flags this Node accepts (a misspelt V8 flag would stop the server at start)', () => {
    const out = execFileSync(
      process.execPath,
      [...serveFlags(), '-p', 'require("node:v8").getHeapStatistics().total_heap_size > 0'],
      {
        encoding: 'utf8',
      },
    );
    expect(out.trim()).toBe('true');
  });
});
