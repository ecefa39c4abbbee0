import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type Server, type Socket } from 'node:net';
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
    ['a Host with user:pass@', head('GET / HTTP/1.1', 'Host: user:pass@a')],
    ['a Host with a path', head('GET / HTTP/1.1', 'Host: a/b')],
    ['a Host with a bad port', head('GET / HTTP/1.1', 'Host: a:99999')],
    ['an empty Host', head('GET / HTTP/1.1', 'Host: ')],
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

describe('the front server with clients that do not play fair', () => {
  const HEAD_DEADLINE_MS = 300;
  const BIG_FILE_BYTES = 32 * 1024;
  let front: Server;
  let port: number;
  /** The server's end of each connection, by the client's port. */
  const serverSide = new Map<number, Socket>();
  /** The most bytes a server socket held unsent right after any of its writes. */
  const mostBuffered = new Map<number, number>();
  /** How many answers each server socket wrote. */
  const answersWritten = new Map<number, number>();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otfu-front-unfair-'));
    writeFileSync(join(dir, 'index.html'), '<p>home</p>');
    // Random bytes in a type that is never compressed: every answer is the full size.
    writeFileSync(join(dir, 'big.pdf'), randomBytes(BIG_FILE_BYTES));
    const app = createHttpServer((req, res) => res.end(`app saw ${req.method} ${req.url}`));
    front = createFrontServer(loadStaticFiles(dir), app, { headersTimeout: HEAD_DEADLINE_MS, idleTimeout: 60_000 });
    front.on('connection', (socket: Socket) => {
      const key = socket.remotePort!;
      serverSide.set(key, socket);
      const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
      socket.write = ((chunk: Buffer) => {
        const flushed = write(chunk);
        answersWritten.set(key, (answersWritten.get(key) ?? 0) + 1);
        mostBuffered.set(key, Math.max(mostBuffered.get(key) ?? 0, socket.writableLength));
        return flushed;
      }) as Socket['write'];
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    port = (front.address() as { port: number }).port;
  });
  afterAll(async () => {
    // A test that failed midway may leave a connection open: close them all.
    for (const socket of serverSide.values()) socket.destroy();
    await new Promise<void>((resolve) => front.close(() => resolve()));
  });

  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket));
      socket.on('error', reject);
    });
  /** Polls a condition until it holds; the test's own timeout is the limit. */
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

  /** A reader that behaves: one request, the whole answer, the connection closed by the server. */
  async function politeGet(path: string): Promise<string> {
    const socket = await open();
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    const done = closed(socket);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    await done;
    return text;
  }

  it('stops reading from a client that pipelines requests and never reads, and serves it all once it does', async () => {
    const requests = 1000;
    // Long heads (under the 16 KiB limit) so the requests alone would fill the kernel's buffers.
    const request = Buffer.from(`GET /big.pdf HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(12_000)}\r\n\r\n`, 'latin1');
    const answerBytes = (await politeGet('/big.pdf')).length - 'connection: close\r\n'.length;

    const greedy = await open();
    greedy.pause();
    const server = () => serverSide.get(greedy.localPort!)!;
    await until(() => serverSide.has(greedy.localPort!));
    for (let i = 0; i < requests; i++) greedy.write(request);

    // The state to reach: the server has stopped reading this connection, and the requests it
    // has not read pile up on the client's side instead (or, failing that, the server's buffer
    // has outgrown its bound).
    const bound = () => server().writableHighWaterMark + answerBytes;
    await until(() => (server().isPaused() && greedy.writableLength > 0) || server().writableLength > bound());
    expect(server().isPaused()).toBe(true);
    const answered = answersWritten.get(greedy.localPort!)!;
    expect(answered).toBeLessThan(requests);
    // What the server holds for this client: less than one answer beyond its high-water mark…
    expect(server().writableLength).toBeLessThanOrEqual(bound());
    // …and, of requests read but not answered, at most the read in hand, one unfinished head and
    // the stream's own read-ahead.
    const unanswered = server().bytesRead - answered * request.length;
    expect(unanswered).toBeLessThanOrEqual(2 * 64 * 1024 + 16 * 1024 + server().readableHighWaterMark);

    // Meanwhile another reader is served.
    expect(await politeGet('/')).toMatch(/^HTTP\/1\.1 200 /);

    // Once the client reads, every answer arrives, and the buffer never grew past the bound.
    let received = 0;
    greedy.on('data', (chunk: Buffer) => (received += chunk.length));
    greedy.resume();
    await until(() => received >= requests * answerBytes);
    expect(received).toBe(requests * answerBytes);
    expect(mostBuffered.get(greedy.localPort!)).toBeLessThanOrEqual(bound());
    greedy.destroy();
  }, 60_000);

  it('hands the requests it stopped reading to the app once the client reads again', async () => {
    const greedy = await open();
    greedy.pause();
    await until(() => serverSide.has(greedy.localPort!));
    greedy.write('GET /big.pdf HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(400));
    greedy.write('POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
    await until(() => serverSide.get(greedy.localPort!)!.isPaused());
    let text = '';
    greedy.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    greedy.resume();
    await until(() => text.endsWith('app saw POST /form'));
    // Four hundred answers from memory, then the app's, in order.
    expect(text.split('HTTP/1.1 200 OK\r\n')).toHaveLength(402);
    greedy.destroy();
  });

  it('closes a connection whose request head is not whole within the deadline, though a byte keeps arriving', async () => {
    const slow = await open();
    let received = '';
    slow.on('data', (chunk) => (received += chunk.toString('latin1')));
    let isClosed = false;
    slow.once('close', () => (isClosed = true));
    slow.on('error', () => {});
    slow.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    // One byte every 10 ms: the idle timer (a minute here) never fires; only the head's deadline
    // can end this. 200 bytes take at least 2 s, several deadlines.
    let dripped = 0;
    while (!isClosed && dripped < 200) {
      slow.write('a');
      dripped += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(isClosed).toBe(true);
    expect(received).toBe('');
    // Meanwhile another reader is served.
    expect(await politeGet('/')).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('closes a connection that opens and sends nothing at the same deadline', async () => {
    const silent = await open();
    let received = '';
    silent.on('data', (chunk) => (received += chunk.toString('latin1')));
    await closed(silent);
    expect(received).toBe('');
  });

  it('gives a kept-alive connection the deadline only while a head is arriving', async () => {
    const reader = await open();
    let text = '';
    reader.on('data', (chunk) => (text += chunk.toString('latin1')));
    reader.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => text.includes('<p>home</p>'));
    // Idle between requests for several deadlines: not a head in progress, so still open.
    await new Promise((resolve) => setTimeout(resolve, 3 * HEAD_DEADLINE_MS));
    reader.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => text.split('<p>home</p>').length === 3);
    expect(reader.destroyed).toBe(false);
    reader.destroy();
  });
});
