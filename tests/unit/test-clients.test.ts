/**
 * Every raw SQL client a test opens beside the server under test waits for the server's write
 * lock (testClient, tests/setup/test-database.ts). A client without a busy timeout fails with
 * SQLITE_BUSY the moment it meets a write in flight, which happens only on a busy machine: this
 * finds the next one before a busy machine does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const HELPER = join('tests', 'setup', 'test-database.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) ? [path] : [];
  });
}

it('no test opens a libSQL client except through testClient, which sets a busy timeout', () => {
  const offenders = sourceFiles('tests')
    .filter((file) => file !== HELPER)
    .filter((file) => /\bcreateClient\s*\(/.test(readFileSync(file, 'utf8')));
  expect(offenders).toEqual([]);
  expect(readFileSync(HELPER, 'utf8')).toMatch(/createClient\(\{ url, timeout: \d[\d_]* \}\)/);
});
