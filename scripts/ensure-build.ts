/**
 * `npm start` runs this first: it builds the site when there is no build yet or when a source
 * file is newer than the last one, so the first command on a fresh clone is all it takes.
 * `--out <dir>` builds into another folder (npm run serve:proxy keeps its https build apart);
 * `--check <dir>` only answers, by its exit code, whether that build is up to date.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

if (existsSync('.env')) process.loadEnvFile('.env');

const checkAt = process.argv.indexOf('--check');
const outAt = process.argv.indexOf('--out');
const outDir = checkAt !== -1 ? process.argv[checkAt + 1]! : outAt !== -1 ? process.argv[outAt + 1]! : 'dist';
const stamp = join(outDir, '.build-stamp');
const inputs = ['src', 'db', 'public', 'server', 'astro.config.mjs', 'package-lock.json'];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const upToDate = built !== 0 && Math.max(...inputs.map(newest)) <= built;
if (checkAt !== -1) process.exit(upToDate ? 0 : 1);
if (!upToDate) {
  console.log(built === 0 ? 'No build yet: building the site…' : 'Sources changed since the last build: rebuilding…');
  // Vite reads import.meta.env's own names from the environment: a SITE, PROD or DEV left there by
  // a test runner (vitest sets them) would override the site's origin or mode in the build.
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
  for (const name of ['SITE', 'BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR', 'ASSETS_PREFIX']) delete env[name];
  execFileSync('npx', ['astro', 'build', ...(outDir === 'dist' ? [] : ['--outDir', outDir])], {
    stdio: 'inherit',
    env,
  });
  writeFileSync(stamp, new Date().toISOString() + '\n');
  execFileSync(process.execPath, ['scripts/warm-start.ts', outDir], { stdio: 'inherit' });
}
