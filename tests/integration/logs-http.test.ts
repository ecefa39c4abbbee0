/**
 * Structured logs of the built server: one JSON line per request with its id, route, status and
 * duration; an error logged with its stack under the id that the 5xx page shows; the level from
 * LOG_LEVEL; no query string (which can hold one-time tokens) ever written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExpectingFailure, startServer, TEST_APP_SECRET, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

interface LogLine {
  level: string;
  time: string;
  role: string;
  msg: string;
  reqId?: string;
  method?: string;
  path?: string;
  route?: string | null;
  status?: number;
  ms?: number;
  err?: { type: string; message: string; stack: string };
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The request line for a request id, once the server has written it. */
async function lineFor(server: RunningServer, reqId: string): Promise<LogLine> {
  for (;;) {
    const found = logLines(server.output()).find((line) => line.reqId === reqId);
    if (found) return found;
    if (server.process.exitCode !== null) throw new Error(`server stopped:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const database = freshDatabaseFile();
const sql = testClient(database.url);
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DATABASE_URL: database.url, APP_SECRET: TEST_APP_SECRET, BACKGROUND_JOBS: 'false' });
});
afterAll(async () => {
  await server.stop();
  sql.close();
});

describe('request logs', () => {
  it('writes every line as JSON, one per request, with its id, method, path, route, status and duration', async () => {
    for (const [path, route, status] of [
      ['/login', '/login', 200],
      // Articles are prerendered: an unknown one matches no route, and the static 404 page answers.
      ['/articles/no-such-article-here', null, 404],
      ['/tracker', '/tracker', 303],
    ] as const) {
      const response = await fetch(server.url + path, { redirect: 'manual' });
      expect(response.status, path).toBe(status);
      const reqId = response.headers.get('x-request-id');
      expect(reqId, path).toMatch(/^[0-9a-f-]{36}$/);
      const line = await lineFor(server, reqId!);
      expect(line, path).toMatchObject({
        level: 'info',
        role: 'web',
        method: 'GET',
        path,
        route,
        status,
        msg: 'request',
      });
      expect(line.ms, path).toBeGreaterThanOrEqual(0);
      expect(Date.parse(line.time), path).not.toBeNaN();
    }
    const lines = server.output().split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('logs an Action refused for bad input under its route, and never a query string', async () => {
    const response = await fetch(`${server.url}/login?_action=auth.login&next=/account&token=not-for-logs`, {
      method: 'POST',
      headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'email=not-an-address&password=x',
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    const line = await lineFor(server, response.headers.get('x-request-id')!);
    expect(line).toMatchObject({ method: 'POST', path: '/login', route: '/login', status: 400 });
    expect(server.output()).not.toContain('not-for-logs');
  });

  it('ignores a request id sent by the client', async () => {
    const response = await fetch(`${server.url}/login`, { headers: { 'x-request-id': 'forged-id' } });
    expect(response.headers.get('x-request-id')).not.toBe('forged-id');
    expect(server.output()).not.toContain('forged-id');
  });

  it('logs a failure with its stack under the request id that the 500 page shows', async () => {
    // A table gone from under the running server: /community cannot read its comments.
    await sql.execute('PRAGMA foreign_keys = OFF');
    await sql.execute('ALTER TABLE comments RENAME TO comments_away');
    try {
      const response = await fetch(`${server.url}/community`);
      expect(response.status).toBe(500);
      const reqId = response.headers.get('x-request-id')!;
      const page = await response.text();
      expect(page).toContain('Something went wrong on our side');
      expect(page).toContain(reqId);
      const line = await lineFor(server, reqId);
      expect(line).toMatchObject({ level: 'error', path: '/community', route: '/community', status: 500 });
      expect(line.err?.message).toContain('no such table: comments');
      expect(line.err?.stack).toMatch(/\n\s+at /);
    } finally {
      await sql.execute('ALTER TABLE comments_away RENAME TO comments');
    }
    expect((await fetch(`${server.url}/community`)).status).toBe(200);
  });
});

describe('LOG_LEVEL', () => {
  it('warn keeps request lines out; a level that does not exist stops the start with a message', async () => {
    const quiet = await startServer({ DATABASE_URL: database.url, APP_SECRET: TEST_APP_SECRET, LOG_LEVEL: 'warn' });
    try {
      const response = await fetch(`${quiet.url}/login`);
      expect(response.status).toBe(200);
      expect(quiet.output()).not.toContain(response.headers.get('x-request-id')!);
    } finally {
      await quiet.stop();
    }
    const refused = await startExpectingFailure({ DATABASE_URL: database.url, LOG_LEVEL: 'loud' });
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('LOG_LEVEL');
  });
});
