/**
 * The front door: a TCP server that answers the common case itself and hands everything else
 * to Node's HTTP server on the same socket.
 *
 * Node's `http` module costs about 35 µs a request on these machines (≈ 28k req/s on a core),
 * half of nginx. For a prerendered page the answer is already bytes in memory, so the per-request
 * work left is reading the request head, and that is what this does: GET or HEAD, HTTP/1.1, no
 * body, every line well formed, a path we hold in memory → one socket.write of bytes prepared in
 * advance. Anything else (other methods, a body, an odd header, an unknown path, HTTP/1.0, a head
 * over 16 KiB, a Host that is not host[:port]) is not judged here: the bytes not yet answered are
 * put back on the socket and Node's HTTP server takes the connection over for good, with its own
 * parser, limits and error answers. See docs/decisions/0003-fast-path-for-prerendered-pages.md.
 *
 * Until then its limits are its own, as Node's would be: a client that does not read its answers
 * is not read from (memory stays at one answer and one read's worth of requests per connection),
 * a request head must be whole within `headersTimeout` of its first byte (the first within that
 * time of the connection), and a connection idle for `idleTimeout` is closed.
 */
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { isValidHost } from './refusals.ts';
import { chooseVariant, etagMatches, type StaticFile } from './static-files.ts';

const MAX_HEAD_BYTES = 16 * 1024;
const END_OF_HEAD = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^(GET|HEAD) (\/[\x21-\x7e]*) HTTP\/1\.1$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*([\x20-\x7e\t]*?)[ \t]*$/;

export interface FastRequest {
  head: boolean;
  path: string;
  acceptEncoding: string | undefined;
  ifNoneMatch: string | undefined;
  close: boolean;
}

let lastGoodHost: string | undefined;

/**
 * Reads a request head (without its final blank line) if, and only if, it is one the fast path
 * may answer; anything unusual returns undefined and goes to Node's parser.
 */
export function parseFastRequest(head: string): FastRequest | undefined {
  const lines = head.split('\r\n');
  const requestLine = REQUEST_LINE.exec(lines[0]!);
  if (!requestLine) return undefined;
  const target = requestLine[2]!;
  const queryAt = target.indexOf('?');
  const request: FastRequest = {
    head: requestLine[1] === 'HEAD',
    path: queryAt === -1 ? target : target.slice(0, queryAt),
    acceptEncoding: undefined,
    ifNoneMatch: undefined,
    close: false,
  };
  let hasHost = false;
  for (let i = 1; i < lines.length; i++) {
    const header = HEADER_LINE.exec(lines[i]!);
    if (!header) return undefined;
    const name = header[1]!.toLowerCase();
    const value = header[2]!;
    switch (name) {
      case 'host':
        if (hasHost) return undefined;
        // A bad Host is refused by server/main.ts, for every path alike. Nearly every request names
        // the same Host, so the last good one is remembered (checking costs 0.4 µs, a third of a parse).
        if (value !== lastGoodHost) {
          if (!isValidHost(value)) return undefined;
          lastGoodHost = value;
        }
        hasHost = true;
        break;
      case 'accept-encoding':
        request.acceptEncoding = request.acceptEncoding === undefined ? value : `${request.acceptEncoding}, ${value}`;
        break;
      case 'if-none-match':
        request.ifNoneMatch = request.ifNoneMatch === undefined ? value : `${request.ifNoneMatch}, ${value}`;
        break;
      case 'connection': {
        const tokens = value.toLowerCase();
        if (tokens.includes('upgrade')) return undefined;
        if (tokens.includes('close')) request.close = true;
        break;
      }
      case 'content-length':
      case 'transfer-encoding':
      case 'expect':
      case 'upgrade':
        return undefined;
    }
  }
  return hasHost ? request : undefined;
}

let currentDate = new Date().toUTCString();
setInterval(() => {
  currentDate = new Date().toUTCString();
}, 1000).unref();

const REASONS: Record<number, string> = { 200: 'OK', 304: 'Not Modified', 404: 'Not Found' };

/** Response bytes for one variant and shape, rebuilt at most once a second for the Date header. */
class PreparedResponses {
  private cache = new Map<string, { date: string; bytes: Buffer }>();

  get(file: StaticFile, request: FastRequest): Buffer {
    const variant = chooseVariant(file, request.acceptEncoding);
    const notModified = request.ifNoneMatch !== undefined && etagMatches(request.ifNoneMatch, file.etag);
    const shape = notModified ? '304' : request.head ? 'head' : 'full';
    const key = `${file.etag}|${variant.headers['content-encoding'] ?? ''}|${shape}|${request.close}`;
    const cached = this.cache.get(key);
    if (cached && cached.date === currentDate) return cached.bytes;

    const status = notModified ? 304 : file.status;
    let head = `HTTP/1.1 ${status} ${REASONS[status]}\r\n`;
    for (const [name, value] of Object.entries(variant.headers)) {
      if (notModified && (name === 'content-length' || name === 'content-encoding')) continue;
      head += `${name}: ${value}\r\n`;
    }
    head += `date: ${currentDate}\r\n${request.close ? 'connection: close\r\n' : ''}\r\n`;
    const bytes =
      shape === 'full' ? Buffer.concat([Buffer.from(head, 'latin1'), variant.body]) : Buffer.from(head, 'latin1');
    this.cache.set(key, { date: currentDate, bytes });
    return bytes;
  }
}

export interface FrontServerOptions {
  /** How long a request head may take from its first byte to its blank line (Node's `headersTimeout`). */
  headersTimeout?: number;
  /** How long a connection may go without a byte read or written. */
  idleTimeout?: number;
}

export function createFrontServer(
  files: Map<string, StaticFile>,
  httpServer: HttpServer,
  { headersTimeout = 15_000, idleTimeout = 65_000 }: FrontServerOptions = {},
): NetServer {
  const prepared = new PreparedResponses();

  return createServer({ noDelay: true }, (socket: Socket) => {
    /** Bytes read and not yet answered: at most one read (64 KiB) plus one unfinished head. */
    let pending: Buffer = Buffer.alloc(0);
    /** Reading stopped until the client takes what was written. */
    let waitingForDrain = false;
    /** Runs while a head is awaited and we are reading; a byte at a time does not restart it. */
    let headClock: NodeJS.Timeout | undefined;

    const stopHeadClock = () => {
      clearTimeout(headClock);
      headClock = undefined;
    };
    const startHeadClock = () => {
      stopHeadClock();
      headClock = setTimeout(() => socket.destroy(), headersTimeout);
    };
    const onTimeout = () => socket.destroy();
    const onError = () => socket.destroy();
    const onDrain = () => {
      if (!waitingForDrain) return;
      waitingForDrain = false;
      socket.resume();
      answerPending(false);
    };

    const release = () => {
      stopHeadClock();
      socket.removeListener('data', onData);
      socket.removeListener('drain', onDrain);
      socket.removeListener('close', stopHeadClock);
    };

    const handOff = () => {
      release();
      socket.removeListener('timeout', onTimeout);
      socket.removeListener('error', onError);
      socket.setTimeout(0);
      if (pending.length > 0) socket.unshift(pending);
      httpServer.emit('connection', socket);
    };

    /** Answers every whole head in `pending`, until one is not ours or the client stops reading. */
    function answerPending(newBytes: boolean) {
      let answered = false;
      for (;;) {
        const end = pending.indexOf(END_OF_HEAD);
        if (end === -1) break;
        const request = end <= MAX_HEAD_BYTES ? parseFastRequest(pending.toString('latin1', 0, end)) : undefined;
        const file = request && request.path !== '/404' ? files.get(request.path) : undefined;
        if (!request || !file) return handOff();
        pending = pending.subarray(end + END_OF_HEAD.length);
        answered = true;
        const flushed = socket.write(prepared.get(file, request));
        if (request.close) {
          release();
          socket.end();
          return;
        }
        // Bytes the kernel would not take wait in memory: read nothing more until they are gone,
        // so a client that sends and never reads costs one answer, not one per request sent.
        if (!flushed && socket.writableLength > 0) {
          waitingForDrain = true;
          stopHeadClock();
          socket.pause();
          return;
        }
      }
      if (pending.length > MAX_HEAD_BYTES) return handOff();
      if (pending.length === 0) stopHeadClock();
      // The head left over is a new one (or the first bytes after a pause): its clock starts now.
      else if (answered || headClock === undefined || !newBytes) startHeadClock();
    }

    function onData(chunk: Buffer) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!waitingForDrain) answerPending(true);
    }

    socket.setTimeout(idleTimeout);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('drain', onDrain);
    socket.on('close', stopHeadClock);
    socket.on('data', onData);
    // As with Node's headersTimeout, the first head's time counts from the connection: one that
    // opens and sends nothing is not left for the idle timeout.
    startHeadClock();
  });
}
