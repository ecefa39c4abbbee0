/**
 * After a build: starts the built server once, on a throwaway database, and stops it when it
 * listens. Node keeps the compiled code of every module loaded on the way in its compile cache
 * (server/main.ts), so the first real start after a deploy is as quick as every later one
 * (decision 0016). It runs with the same Node flags as `npm run serve`, which the cache is keyed
 * on. A server that does not start here is reported and left to `npm start` to explain.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serveFlags } from '../bench/serve-flags.ts';

const outDir = process.argv[2] ?? 'dist';
const work = mkdtempSync(join(tmpdir(), 'otfu-warm-'));
const started = performance.now();
const server = spawn(process.execPath, [...serveFlags(), join(outDir, 'server/main.mjs')], {
  env: {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: pathToFileURL(join(work, 'warm.db')).href,
    MIGRATE_ON_START: 'true',
    BACKGROUND_JOBS: 'false',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
const listening = await new Promise<boolean>((resolve) => {
  const timer = setTimeout(() => resolve(false), 60_000);
  const read = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes(' is listening on ')) {
      clearTimeout(timer);
      resolve(true);
    }
  };
  server.stdout.on('data', read);
  server.stderr.on('data', read);
  server.on('exit', () => {
    clearTimeout(timer);
    resolve(false);
  });
});
server.kill('SIGTERM');
await new Promise((resolve) => (server.exitCode === null ? server.on('exit', resolve) : resolve(null)));
rmSync(work, { recursive: true, force: true });
if (listening) {
  console.log(`Started the build once to fill Node's compile cache (${Math.round(performance.now() - started)} ms).`);
} else {
  console.log(
    `The build did not start on a fresh database, so the compile cache was not filled:\n${output.slice(-2000)}`,
  );
}
