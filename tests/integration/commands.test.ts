/**
 * Commands the README promises, run as an operator runs them: `npm start` (builds if stale,
 * migrates, then serves; here it creates a database that does not exist yet), `npm run serve`
 * (serves the build as it is), and `npm run coach:grant -- <email>` with and without `--revoke`.
 * Each runs as the real npm command in its own process group, so a failing test ends npm and
 * what it started together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.ts';
import { users } from '../../db/schema.ts';
import { TEST_APP_SECRET } from '../setup/built-server.ts';
import { freshDatabaseFile } from '../setup/test-database.ts';

const started: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync('dist/server/main.mjs')) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests (npm test does).');
  }
});
afterAll(() => {
  for (const child of started)
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm run <args>` in its own process group, with these settings over the test's own. */
function npm(args: string[], env: Record<string, string>): Running {
  const child = spawn('npm', args, {
    detached: true,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Starts a serving command, checks /healthz answers 200, then sends npm SIGTERM and expects exit 0. */
async function servesAndStops(args: string[], databaseUrl: string): Promise<string> {
  const server = npm(args, {
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    APP_SECRET: TEST_APP_SECRET,
    BACKGROUND_JOBS: 'false',
  });
  await expect
    .poll(
      () =>
        server.child.exitCode === null
          ? /listening on http:\/\/localhost:\d+/.test(server.output())
          : `exited:\n${server.output()}`,
      { timeout: 60_000, interval: 50 },
    )
    .toBe(true);
  const port = /listening on http:\/\/localhost:(\d+)/.exec(server.output())![1];
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
  // To npm, as worker-process.test.ts stops the worker: npm hands the signal on to the server.
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
  return server.output();
}

describe('npm start', () => {
  it('creates and migrates a database that does not exist, serves, and exits 0 on SIGTERM', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otfu-start-')), 'app.db');
    expect(existsSync(file)).toBe(false);
    await servesAndStops(['start'], pathToFileURL(file).href);
    expect(existsSync(file)).toBe(true);
  }, 90_000);
});

describe('npm run serve', () => {
  it('serves the build and exits 0 on SIGTERM', async () => {
    await servesAndStops(['run', 'serve'], freshDatabaseFile().url);
  }, 90_000);
});

describe('npm run coach:grant', () => {
  it('gives a member the coach role, takes it back with --revoke, and refuses an unknown address', async () => {
    const { url } = freshDatabaseFile();
    const db = openDatabase({ url });
    try {
      await db.insert(users).values({ id: 'grant-1', email: 'member@example.com', passwordHash: 'x', name: 'M' });
      const role = async () =>
        (await db.select({ role: users.role }).from(users).where(eq(users.id, 'grant-1')))[0]!.role;
      expect(await role()).toBe('member');

      const grant = npm(['run', 'coach:grant', '--', 'member@example.com'], { DATABASE_URL: url });
      expect(await grant.exited, grant.output()).toBe(0);
      expect(await role()).toBe('coach');

      const revoke = npm(['run', 'coach:grant', '--', 'member@example.com', '--revoke'], { DATABASE_URL: url });
      expect(await revoke.exited, revoke.output()).toBe(0);
      expect(await role()).toBe('member');

      const unknown = npm(['run', 'coach:grant', '--', 'nobody@example.com'], { DATABASE_URL: url });
      expect(await unknown.exited).not.toBe(0);
      expect(unknown.output()).toContain('No account for nobody@example.com');
    } finally {
      db.$client.close();
    }
  }, 60_000);
});
