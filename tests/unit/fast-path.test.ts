import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrontServer, parseFastRequest } from '../../server/fast-path.ts';
import { loadStaticFiles } from '../../server/static-files.ts';

describe('parseFastRequest', () => {
  const head = (...lines: string[]) => lines.join('\r\n');

  it('reads a plain GET with its validators and encodings', () => {
    expect(
      parseFastRequest(
        head('GET /articles/x?utm=1 HTTP/1.1', 'Host: a', 'Accept-Encoding: gzip, br', 'If-None-Match: "e"'),
      ),
    ).toEqual({ head: false, path: '/articles/x', acceptEncoding: 'gzip, br', ifNoneMatch: '"e"', close: false });
  });

  it('notes HEAD and Connection: close', () => {
    expect(parseFastRequest(head('HEAD / HTTP/1.1', 'host: a', 'Connection: close'))).toMatchObject({
      head: true,
      close: true,
    });
  });

  it.each([
    ['POST', head('POST / HTTP/1.1', 'Host: a')],
    ['HTTP/1.0', head('GET / HTTP/1.0', 'Host: a')],
    ['no Host', head('GET / HTTP/1.1')],
    ['two Hosts', head('GET / HTTP/1.1', 'Host: a', 'Host: b')],
    ['a body length', head('GET / HTTP/1.1', 'Host: a', 'Content-Length: 5')],
    ['chunked', head('GET / HTTP/1.1', 'Host: a', 'Transfer-Encoding: chunked')],
    ['an upgrade', head('GET / HTTP/1.1', 'Host: a', 'Connection: Upgrade', 'Upgrade: websocket')],
    ['Expect', head('GET / HTTP/1.1', 'Host: a', 'Expect: 100-continue')],
    ['a folded header', head('GET / HTTP/1.1', 'Host: a', 'X-A: 1', ' folded')],
    ['a space before the colon', head('GET / HTTP/1.1', 'Host : a')],
    ['a control character', head('GET / HTTP/1.1', 'Host: a\u0001')],
    ['bytes above ASCII', head('GET / HTTP/1.1', 'Host: \u00e9')],
    ['an absolute target', head('GET http://a/ HTTP/1.1', 'Host: a')],
    ['a space in the target', head('GET /a b HTTP/1.1', 'Host: a')],
    ['a bare LF', 'GET / HTTP/1.1\nHost: a'],
  ])('leaves a request with %s to Node', (_name, text) => {
    expect(parseFastRequest(text)).toBeUndefined();
  });
});

describe('the front server', () => {
  let front: Server;
  let port: number;
  const handedOff: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otfu-front-'));
    mkdirSync(join(dir, 'guide'));
    writeFileSync(join(dir, 'guide/index.html'), '<p>guide</p>'.repeat(100));
    writeFileSync(join(dir, 'index.html'), '<p>home</p>');
    const files = loadStaticFiles(dir);
    const app = createHttpServer((req, res) => {
      handedOff.push(`${req.method} ${req.url}`);
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => res.end(`app saw ${req.method} ${req.url} ${body}`));
    });
    front = createFrontServer(files, app);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    port = (front.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => front.close(() => resolve())));

  /** Sends raw bytes (optionally in pieces) and collects everything until the server goes quiet or closes. */
  function exchange(pieces: string[], quietMs = 150): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let received = '';
      let timer: NodeJS.Timeout;
      const settle = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          socket.destroy();
          resolve(received);
        }, quietMs);
      };
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        settle();
      });
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
      socket.on('error', reject);
      socket.on('connect', async () => {
        for (const piece of pieces) {
          socket.write(piece);
          await new Promise((r) => setTimeout(r, 20));
        }
        settle();
      });
    });
  }

  const statuses = (text: string) => [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

  it('answers a page from memory with a Date and its security headers', async () => {
    const text = await exchange(['GET /guide HTTP/1.1\r\nHost: x\r\n\r\n']);
    expect(statuses(text)).toEqual([200]);
    expect(text).toMatch(/^date: \w{3}, \d{2} \w{3} \d{4}/m);
    expect(text).toMatch(/^x-content-type-options: nosniff$/m);
    expect(text).toContain('<p>guide</p>');
  });

  it('answers pipelined requests in order, and a request split across packets', async () => {
    const text = await exchange([
      'GET /guide HTTP/1.1\r\nHost: x\r\n\r\nHEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HT',
      'TP/1.1\r\nHost: x\r\n',
      '\r\n',
    ]);
    expect(statuses(text)).toEqual([200, 200, 200]);
    expect(text.split('<p>home</p>')).toHaveLength(2);
  });

  it('answers 304 to a matching validator', async () => {
    const first = await exchange(['GET /guide HTTP/1.1\r\nHost: x\r\n\r\n']);
    const etag = /^etag: (.+)$/m.exec(first)![1]!.trim();
    const text = await exchange([`GET /guide HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\n`]);
    expect(statuses(text)).toEqual([304]);
    expect(text).not.toMatch(/content-length/i);
  });

  it('hands the connection to the app for anything else, keeping the bytes not yet answered', async () => {
    const text = await exchange([
      'GET /guide HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello',
      'GET /guide HTTP/1.1\r\nHost: x\r\n\r\n',
    ]);
    expect(statuses(text)).toEqual([200, 200, 200]);
    expect(text).toContain('app saw POST /form hello');
    // Once handed over, the connection stays with the app, which is free to answer the page itself.
    expect(handedOff).toContain('GET /guide');
  });

  it('lets Node reject what is malformed', async () => {
    expect(statuses(await exchange(['GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']))).toEqual([400]);
    expect(statuses(await exchange([`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]))).toEqual([
      431,
    ]);
  });

  it('closes after answering Connection: close', async () => {
    const text = await exchange(['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], 5000);
    expect(statuses(text)).toEqual([200]);
    expect(text).toMatch(/^connection: close$/m);
  });
});
