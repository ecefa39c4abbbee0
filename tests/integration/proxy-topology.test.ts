/**
 * The production topology, as `npm run serve:proxy` starts it: a real Caddy terminating TLS with
 * its internal CA, two built instances with BACKGROUND_JOBS=false behind it, one worker, one
 * database. Every request here goes through Caddy over https, as a visitor's would, from its own
 * loopback address (127.0.0.x), so Caddy's X-Forwarded-For names each visitor apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeResend, type FakeResend } from '../fakes/resend.ts';
import { PASSWORD } from '../setup/http-browser.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const proxyDir = resolve('.proxy/test');
let httpsPort: number;
let httpPort: number;
let appPorts: number[];
let origin: string;
let topology: ChildProcess;
let output = '';
let resend: FakeResend;
let sql: Client;
let ca: Buffer;

/** A visitor at its own loopback address (Caddy sees it as the remote address). */
function visitor(address: string) {
  let cookie = '';
  const send = (method: string, path: string, form?: Record<string, string>, headers: Record<string, string> = {}) =>
    new Promise<Answer>((done, fail) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          servername: 'localhost',
          port: httpsPort,
          method,
          path,
          ca,
          localAddress: address,
          headers: {
            host: `localhost:${httpsPort}`,
            ...(cookie ? { cookie } : {}),
            ...(body
              ? {
                  'content-type': 'application/x-www-form-urlencoded',
                  origin,
                  'content-length': Buffer.byteLength(body),
                }
              : {}),
            ...headers,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const session = (res.headers['set-cookie'] ?? []).find((line) => line.startsWith('session='));
            if (session) cookie = /expires=[^;]*1970/i.test(session) ? '' : session.split(';')[0]!;
            done({ status: res.statusCode ?? 0, headers: res.headers, body: text });
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  return {
    get: (path: string, headers?: Record<string, string>) => send('GET', path, undefined, headers),
    post: (path: string, form: Record<string, string>, headers?: Record<string, string>) =>
      send('POST', path, form, headers),
    cookie: () => cookie,
  };
}

/** Resolves when the condition holds, checking again as the system changes; fails after `ms`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${output.slice(-3000)}`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

beforeAll(async () => {
  rmSync(proxyDir, { recursive: true, force: true });
  [httpsPort, appPorts] = [await freePort(), [await freePort(), await freePort()]];
  httpPort = await freePort();
  origin = `https://localhost:${httpsPort}`;
  resend = await startFakeResend();
  const database = freshDatabaseFile();
  sql = testClient(database.url);
  topology = spawn('npm', ['run', 'serve:proxy'], {
    env: {
      ...process.env,
      PROXY_DIR: proxyDir,
      PROXY_HTTPS_PORT: String(httpsPort),
      PROXY_HTTP_PORT: String(httpPort),
      APP_PORTS: appPorts.join(','),
      DATABASE_URL: database.url,
      APP_SECRET: 'a-test-secret-that-is-at-least-32-characters',
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      WORKER_INTERVAL_MS: '200',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  topology.stdout!.on('data', (chunk) => (output += chunk));
  topology.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((done, fail) => {
    topology.stdout!.on('data', () => /serve:proxy: ready at/.test(output) && done());
    topology.once('exit', (code) => fail(new Error(`serve:proxy exited with ${code}:\n${output}`)));
  });
  const rootCertificate = resolve(proxyDir, 'caddy/pki/authorities/local/root.crt');
  expect(existsSync(rootCertificate)).toBe(true);
  ca = readFileSync(rootCertificate);
}, 240_000);

afterAll(async () => {
  if (topology && topology.exitCode === null) {
    const exited = new Promise((done) => topology.once('exit', done));
    process.kill(-topology.pid!, 'SIGTERM');
    await exited;
  }
  sql?.close();
  await resend?.close();
  rmSync(proxyDir, { recursive: true, force: true });
}, 60_000);

describe('npm run serve:proxy: Caddy with TLS, two instances, one worker', () => {
  it('serves prerendered and rendered pages over https with HSTS, and plain http redirects to https', async () => {
    const reader = visitor('127.0.0.2');
    for (const path of ['/', '/articles', '/login', '/search?q=thank']) {
      const answer = await reader.get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.headers['strict-transport-security'], path).toMatch(/max-age=\d+/);
      expect(answer.body, path).toContain(`${origin}/`);
    }
    const plain = await fetch(`http://localhost:${httpPort}/login?next=%2Ftracker`, { redirect: 'manual' });
    expect(plain.status).toBe(308);
    expect(plain.headers.get('location')).toBe(`${origin}/login?next=%2Ftracker`);
  });

  it('gives Secure session cookies that both instances accept', async () => {
    const member = visitor('127.0.0.3');
    const email = 'proxy-member@example.com';
    const signUp = await member.post('/signup?_action=auth.signup', { email, password: PASSWORD, timeZone: 'UTC' });
    expect(signUp.status).toBeLessThan(400);
    const link = await eventually('the verification email', async () => {
      const delivered = resend.deliveries.find((message) => message.to.includes(email));
      return delivered
        ? /https:\/\/localhost:\d+(\/auth\/verify\?token=[a-z0-9]+)/.exec(delivered.text)?.[1]
        : undefined;
    });
    const verify = await member.get(link);
    expect(verify.status).toBe(303);
    const setCookie = ([] as string[]).concat(verify.headers['set-cookie'] ?? []).find((c) => c.startsWith('session='));
    expect(setCookie).toMatch(/;\s*Secure/i);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);

    // The same session, straight to each instance (as Caddy's round robin would send it).
    for (const port of appPorts) {
      const direct = await fetch(`http://127.0.0.1:${port}/account`, {
        headers: { cookie: member.cookie(), 'x-forwarded-for': '127.0.0.3' },
        redirect: 'manual',
      });
      expect(direct.status, `instance on ${port}`).toBe(200);
      expect(await direct.text()).toContain(email);
    }
    // And through Caddy, several times, so both instances answer it.
    for (let i = 0; i < 4; i++) expect((await member.get('/account')).status).toBe(200);
  });

  it('rate-limits each real visitor by the address Caddy forwards, whatever X-Forwarded-For the visitor sends', async () => {
    const noisy = visitor('127.0.0.4');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      // A forged header would give each try a fresh "network" if it were believed.
      const answer = await noisy.post(
        '/signup?_action=auth.signup',
        { email: `noisy-${i}@example.com`, password: PASSWORD, timeZone: 'UTC' },
        { 'x-forwarded-for': `203.0.113.${i + 1}` },
      );
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 5).every((status) => status < 400)).toBe(true);
    expect(statuses.slice(5)).toEqual([429, 429]);

    const other = visitor('127.0.0.5');
    const answer = await other.post('/signup?_action=auth.signup', {
      email: 'someone-else@example.com',
      password: PASSWORD,
      timeZone: 'UTC',
    });
    expect(answer.status).toBeLessThan(400);
  });

  it('has no mail viewer', async () => {
    const snoop = visitor('127.0.0.6');
    for (const path of ['/dev/mail', '/dev/mail/1']) expect((await snoop.get(path)).status, path).toBe(404);
  });

  it('delivers every queued email exactly once, through the worker alone', async () => {
    const queued = await eventually('an empty outbox', async () => {
      const rows = (await sql.execute('SELECT idempotency_key, status FROM outbox')).rows;
      return rows.length > 0 && rows.every((row) => row['status'] === 'sent') ? rows : undefined;
    });
    expect(resend.deliveries).toHaveLength(queued.length);
    for (const row of queued) expect(resend.sendsByKey.get(String(row['idempotency_key']))).toBe(1);
    expect(resend.repeated).toBe(0);
    // The web instances run no jobs: every delivery is in the worker's own job lines.
    const delivered = (role: string) =>
      output
        .split('\n')
        .filter((line) => line.startsWith(`[${role}`) && line.includes('"job":"deliver-email"'))
        .reduce(
          (sum, line) => sum + Number((JSON.parse(line.slice(line.indexOf('{'))) as { sent?: number }).sent ?? 0),
          0,
        );
    expect(delivered('worker')).toBe(queued.length);
    expect(delivered('web')).toBe(0);
    expect(output).not.toMatch(/\[web-\d\] .*"job":/);
  });
});
