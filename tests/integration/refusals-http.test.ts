/**
 * Requests the site does not serve, through raw sockets on the built server: a method other than
 * GET, HEAD and POST gets 405 with `Allow`, a Host that is not one host[:port] gets 400, on every
 * kind of route (a prerendered article answered by the fast path, rendered pages, the health
 * check, an Action); each with a message and the security headers, never a 5xx, never an error
 * in the log. Before, TRACE and a Host with user:pass@ were 500s, CONNECT was dropped unanswered
 * and PROPFIND or OPTIONS rendered the page.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, errorLines } from '../setup/built-server.ts';
import { freshDatabaseFile } from '../setup/test-database.ts';

let server: RunningServer;
let port = 0;

beforeAll(async () => {
  server = await startServer({ DATABASE_URL: freshDatabaseFile().url, BACKGROUND_JOBS: 'false' });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.stop();
});

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends a request as written and reads the answer until the server closes the connection. */
function send(requestLine: string, headerLines: string[], body = ''): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const headEnd = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, headEnd).split('\r\n');
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0);
      resolve({ status, headers, body: text.slice(headEnd + 4) });
    });
    const head = [requestLine, ...headerLines, 'Connection: close', '', ''].join('\r\n');
    // Not end(): like Node's own server, the site drops a request whose sender half-closes first.
    socket.write(Buffer.from(head + body, 'latin1'));
  });
}

const ROUTES = [
  '/articles/thank-you-note-within-24-hours',
  '/',
  '/login',
  '/login?_action=auth.login',
  '/healthz',
  '/search?q=note',
  '/_actions/auth.login',
];
const host = () => `Host: 127.0.0.1:${port}`;

/** What every refusal carries: a plain message and the headers every page has. */
function expectRefusal(answer: Answer, status: number, message: string) {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  expect(answer.body).toContain(message);
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('x-frame-options')).toBe('DENY');
  expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('a method the site does not serve', () => {
  const METHODS = [
    'TRACE',
    'TRACK',
    'CONNECT',
    'PROPFIND',
    'PATCH',
    'PUT',
    'DELETE',
    'OPTIONS',
    'QUERY',
    'PURGE',
    'M-SEARCH',
    'get',
    'post',
    'Head',
    'FOO',
    'X-ANY_thing!',
  ];

  it.each(METHODS)('%s is a 405 with Allow on every route', async (method) => {
    for (const route of ROUTES) {
      const answer = await send(`${method} ${route} HTTP/1.1`, [host()]);
      expectRefusal(answer, 405, 'This site answers only GET, HEAD and POST requests.');
      expect(answer.headers.get('allow'), `${method} ${route}`).toBe('GET, HEAD, POST');
    }
  });

  it.each([
    ['CONNECT to an authority', 'CONNECT 127.0.0.1:443 HTTP/1.1', [], ''],
    ['OPTIONS for the whole server', 'OPTIONS * HTTP/1.1', [], ''],
    ['a body with it', 'PUT /login HTTP/1.1', ['Content-Length: 5'], 'hello'],
  ])('%s is a 405 too', async (_name, requestLine, headerLines, body) => {
    const answer = await send(requestLine, [host(), ...headerLines], body);
    expectRefusal(answer, 405, 'GET, HEAD and POST');
  });

  it('a request line that names no method is a 400 with the same headers', async () => {
    expectRefusal(await send('\u0016\u0003\u0001\u0002\u0000 / HTTP/1.1', [host()]), 400, 'malformed');
  });
});

describe('a Host that is not one host[:port]', () => {
  const BAD_HOSTS = [
    'user:pass@127.0.0.1',
    'user@127.0.0.1',
    'a@b',
    '127.0.0.1:99999',
    '127.0.0.1:0',
    '127.0.0.1:abc',
    '127.0.0.1:',
    '127.0.0.1:80:80',
    ':4321',
    'a b',
    'exa mple.com',
    '/x',
    '127.0.0.1/login',
    'host?x',
    'host#x',
    'http://127.0.0.1',
    '',
    '[::1',
    '[zz::1]',
    '::1',
    '1.2.3.999',
    'a..b',
    '%65xample.com',
    'exa\\mple',
    'a'.repeat(300),
  ];
  const asRequests = (hostLines: string[]) =>
    ROUTES.flatMap((route) => [
      send(`GET ${route} HTTP/1.1`, hostLines),
      send(`HEAD ${route} HTTP/1.1`, hostLines),
      send(
        `POST ${route} HTTP/1.1`,
        [...hostLines, 'Content-Type: application/x-www-form-urlencoded', 'Content-Length: 7'],
        'email=x',
      ),
    ]);

  it.each(BAD_HOSTS)('Host: %j is a 400 on every route, whatever the method', async (value) => {
    for (const answer of await Promise.all(asRequests([`Host: ${value}`]))) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      if (answer.body) expect(answer.body).toContain('The Host header must be one host name or address');
    }
  });

  it.each([
    ['two Host lines', [`Host: 127.0.0.1`, `Host: 127.0.0.1`]],
    ['two different Host lines', [`Host: 127.0.0.1`, `Host: evil.example`]],
    ['no Host at all', []],
  ])('%s is a 400', async (_name, hostLines) => {
    for (const answer of await Promise.all(asRequests(hostLines))) expect(answer.status).toBe(400);
  });

  it('HTTP/1.0, which has no Host, is still answered', async () => {
    const answer = await send('GET /articles/thank-you-note-within-24-hours HTTP/1.0', []);
    expect(answer.status).toBe(200);
  });

  it.each(['127.0.0.1', 'localhost:4321', '[::1]:4321', 'Example.COM.', 'a-b_c.example:65535'])(
    'Host: %s is served',
    async (value) => {
      for (const route of ['/articles/thank-you-note-within-24-hours', '/', '/login', '/healthz', '/search?q=note']) {
        expect((await send(`GET ${route} HTTP/1.1`, [`Host: ${value}`])).status, route).toBe(200);
      }
    },
  );
});

describe('after all of it', () => {
  it('the server logged no error and still answers', async () => {
    expect((await send('GET /healthz HTTP/1.1', [host()])).status).toBe(200);
    expect(server.output()).not.toMatch(/ERROR|Could not render|Internal Server Error/);
    expect(errorLines(server.output())).toEqual([]);
  });
});
