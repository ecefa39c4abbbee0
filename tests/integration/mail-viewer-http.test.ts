/**
 * The local mail viewer shows every queued email, reset and sign-in links included. On the built
 * server, every viewer route answers 200 only to a development server (no email key, no
 * TRUST_PROXY) and only to a request from this machine: a loopback socket, no proxy header at all,
 * and a Host of localhost, 127.0.0.1 or [::1]. Everything else is a 404 that shows nothing of the
 * outbox, whatever the headers claim; and the server says at start-up whether the viewer is on.
 * A build for an https:// site is the one setting not started here (it needs another build):
 * tests/unit/mail-viewer.test.ts holds it, over the same table.
 */
import { isValidHost } from '../../server/refusals.ts';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../setup/built-server.ts';
import { routesInSource } from '../setup/source-inventory.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { FORWARDING_HEADERS, HOSTS } from '../fixtures/local-requests.ts';

/** The secret in the queued email: a reset link for the coach, what an attacker is after. */
const SECRET = 'reset-token-that-must-stay-on-this-machine';
const LOCAL_HOST = 'localhost:4321';

interface Setting {
  name: string;
  env: Record<string, string>;
  on: boolean;
  says: RegExp;
}

const SETTINGS: Setting[] = [
  {
    name: 'the embedded default',
    env: {},
    on: true,
    says: /The local mail viewer is on at http:\/\/localhost:\d+\/dev\/mail/,
  },
  {
    name: 'TRUST_PROXY=true',
    env: { TRUST_PROXY: 'true' },
    on: false,
    says: /mail viewer is off: TRUST_PROXY is true/,
  },
  {
    name: 'RESEND_API_KEY set',
    env: { RESEND_API_KEY: 're_test_not_a_real_key', RESEND_BASE_URL: 'http://127.0.0.1:9' },
    on: false,
    says: /mail viewer is off: RESEND_API_KEY is set/,
  },
];

const interfaces = Object.values(networkInterfaces()).flatMap((entries) => entries ?? []);
const hasIpv6Loopback = interfaces.some((entry) => entry.address === '::1');
/** This machine's own address on a network: a socket that is not loopback, from the same machine. */
const outsideAddress = interfaces.find((entry) => !entry.internal && entry.family === 'IPv4')?.address;

interface Running {
  setting: Setting;
  server: RunningServer;
  port: number;
  messageId: number;
}
const running: Running[] = [];

async function seededServer(setting: Setting): Promise<Running> {
  const database = freshDatabaseFile();
  const sql = testClient(database.url);
  const inserted = await sql.execute({
    sql: `INSERT INTO outbox (idempotency_key, kind, to_address, subject, html, text, next_attempt_at)
          VALUES ('viewer-test', 'account', 'coach@example.com', 'Reset your password', ?, ?, ?) RETURNING id`,
    args: [
      `<a href="http://localhost:4321/auth/reset?token=${SECRET}">Reset</a>`,
      `/auth/reset?token=${SECRET}`,
      Date.now(),
    ],
  });
  sql.close();
  // Listening on every address, IPv6 too when there is IPv6, so a socket can be loopback or not.
  const server = await startServer({
    DATABASE_URL: database.url,
    BACKGROUND_JOBS: 'false',
    HOST: hasIpv6Loopback ? '::' : '0.0.0.0',
    ...setting.env,
  });
  return {
    setting,
    server,
    port: Number(new URL(server.url).port),
    messageId: Number(inserted.rows[0]!['id']),
  };
}

beforeAll(async () => {
  for (const setting of SETTINGS) running.push(await seededServer(setting));
});
afterAll(async () => {
  await Promise.all(running.map(({ server }) => server.stop()));
});

/** A GET through a socket from `from`'s side (connecting to that address), with exactly these headers. */
function get(connectTo: string, port: number, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const outgoing = request({ host: connectTo, port, path, headers, setHost: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Every viewer route in src/pages, as paths to ask for: the list and the seeded message. */
function viewerPaths(messageId: number): string[] {
  const routes = routesInSource()
    .map(({ route }) => route)
    .filter((route) => route === '/dev/mail' || route.startsWith('/dev/mail/'));
  const concrete: Record<string, string> = { '/dev/mail': '/dev/mail', '/dev/mail/[id]': `/dev/mail/${messageId}` };
  expect(routes.sort(), 'give each new viewer route a path here').toEqual(Object.keys(concrete).sort());
  return routes.map((route) => concrete[route]!);
}

interface Cell {
  socket: string;
  headers: Record<string, string>;
  fromThisMachine: boolean;
}

function cells(): Cell[] {
  const loopback = ['127.0.0.1', ...(hasIpv6Loopback ? ['::1'] : [])];
  return [
    ...loopback.flatMap((socket) =>
      HOSTS.map(({ host, local }) => ({ socket, headers: { host }, fromThisMachine: local })),
    ),
    ...FORWARDING_HEADERS.map(([name, value]) => ({
      socket: '127.0.0.1',
      headers: { host: LOCAL_HOST, [name]: value },
      fromThisMachine: false,
    })),
    ...(outsideAddress
      ? ['localhost:4321', '127.0.0.1', '[::1]:4321'].map((host) => ({
          socket: outsideAddress,
          headers: { host },
          fromThisMachine: false,
        }))
      : []),
  ];
}

describe('the local mail viewer on the built server', () => {
  it('answers every viewer route only to this machine, on a development server; 404 everywhere else (400 for a malformed Host)', async () => {
    const wrong: string[] = [];
    let allowed = 0;
    for (const { setting, port, messageId } of running) {
      for (const path of viewerPaths(messageId)) {
        for (const { socket, headers, fromThisMachine } of cells()) {
          // A Host that is no host at all (user info, an empty port) is refused by the server
          // itself, before any page (server/refusals.ts): 400.
          const expected = !isValidHost(headers.host!) ? 400 : setting.on && fromThisMachine ? 200 : 404;
          const { status, body } = await get(socket, port, path, headers);
          const cell = `${setting.name}: ${path} via ${socket} with ${JSON.stringify(headers)}`;
          if (status !== expected) wrong.push(`${cell} answered ${status}, not ${expected}`);
          if (expected === 200) {
            allowed++;
            if (!body.includes(path === '/dev/mail' ? 'Reset your password' : SECRET))
              wrong.push(`${cell} does not show the message`);
          } else if (body.includes(SECRET) || body.includes('Reset your password')) {
            wrong.push(`${cell} shows the outbox`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // The allowed cells were reached: a viewer that refuses everyone would pass the rest.
    expect(allowed).toBeGreaterThanOrEqual(2 * 7);
  });

  it('says at start-up whether the viewer is on, and why', async () => {
    for (const { setting, server } of running) {
      await expect.poll(() => server.output(), { timeout: 5_000 }).toMatch(setting.says);
    }
  });
});
