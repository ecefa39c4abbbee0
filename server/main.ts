/**
 * The production server: one Node `http` server in front of the built Astro app.
 * Prerendered pages and assets come from memory (server/static-files.ts); everything else
 * (server islands, Actions, personal pages, /healthz) goes to Astro's request handler.
 *
 * Before it listens it asks itself for /healthz, which validates the environment
 * (astro:env), applies migrations and checks the database: a bad configuration stops the
 * start with Astro's message instead of failing the first visitor.
 */
import { randomUUID } from 'node:crypto';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { enableCompileCache } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MailViewerState } from '../src/lib/email/mail-viewer.ts';
import { HSTS, SECURITY_HEADERS } from '../src/lib/http/security-headers.ts';
import { logger, requestStore, type RequestRecord } from '../src/lib/app/log.server.ts';
import { readConfig } from '../src/lib/app/config.ts';
import { createFrontServer } from './fast-path.ts';
import { projectRoot } from './project-root.ts';
import { parserRefusal, refusalFor, refuseOnSocket } from './refusals.ts';
import { loadStaticFiles, serveNotFound, serveStatic } from './static-files.ts';

/** How much the old generation may grow after a full collection, in percent (see front.listen). */
const HEAP_GROWING_PERCENT = 50;

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<void>;

const root = projectRoot(import.meta.dirname);
process.chdir(root);
if (existsSync('.env')) process.loadEnvFile('.env');
const log = logger('web');

// Bundled, this file is <build>/server/main.mjs beside Astro's entry; run from source, the build is dist/.
const serverDir = existsSync(resolve(import.meta.dirname, 'entry.mjs'))
  ? import.meta.dirname
  : resolve(root, 'dist/server');
const entry = resolve(serverDir, 'entry.mjs');
if (!existsSync(entry)) {
  log.fatal('No build found in dist/. Run `npm run build` first (or `npm start`, which builds when needed).');
  process.exit(1);
}

const config = readConfig(process.env);
const { port, host } = config;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  log.fatal(`PORT must be a whole number from 0 to 65535, not "${process.env.PORT}".`);
  process.exit(1);
}

// Compiled code of the build's modules is kept on disk (node_modules/.cache/compile, or
// NODE_COMPILE_CACHE) and reused by the next start: about 50 ms less to the first answer. The
// build fills it (scripts/warm-start.ts); a folder this process cannot write only means no cache.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off (decision 0016).
enableCompileCache(process.env.NODE_COMPILE_CACHE || resolve(root, 'node_modules/.cache/compile'));

// The bundled React picks its build from NODE_ENV when it loads: without this, every island is
// rendered by React's development build, several times slower.
process.env.NODE_ENV ??= 'production';
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
declare const __SITE_URL__: string | undefined;
// The public origin the build was made for (SITE_URL at build time, see astro.config.mjs).
const site = typeof __SITE_URL__ === 'string' ? __SITE_URL__ : config.siteUrl;
const hsts = site.startsWith('https:');
const files = loadStaticFiles(resolve(serverDir, '../client'), { hsts });
/** The headers of the answers this file makes itself (redirects, refusals). */
const ownHeaders = { ...SECURITY_HEADERS, ...(hsts ? { 'strict-transport-security': HSTS } : {}) };

function redirectTrailingSlash(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.length < 2 || !path.endsWith('/') || path.startsWith('//')) return false;
  const target = path.replace(/\/+$/, '');
  if (!files.has(target)) return false;
  res.writeHead(301, { ...ownHeaders, location: target + (queryAt === -1 ? '' : url.slice(queryAt)) });
  res.end();
  return true;
}

/** A path whose %-escapes do not decode is no address here: 400, where Astro logs an error for each. */
function refuseUndecodablePath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  try {
    decodeURI(queryAt === -1 ? url : url.slice(0, queryAt));
    return false;
  } catch {
    res.writeHead(400, { ...ownHeaders, 'content-type': 'text/plain; charset=utf-8' });
    res.end('This address has a broken %-escape.');
    return true;
  }
}

/**
 * A method the site does not serve (TRACE, PUT, OPTIONS…) is a 405 and a Host that is not one
 * host[:port] a 400, here rather than in Astro's adapter, which answers 500 to both.
 */
function refuseUnservedRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const refusal = refusalFor({ method: req.method, httpVersion: req.httpVersion, hosts: req.headersDistinct.host });
  if (!refusal) return false;
  res.writeHead(refusal.status, {
    ...ownHeaders,
    ...refusal.headers,
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    // Whatever body the request carries is not read: the connection ends with the answer.
    connection: 'close',
  });
  res.end(`${refusal.message}\n`);
  return true;
}

/**
 * One JSON line per request: method, path (never the query, which can hold one-time tokens), the
 * route Astro matched, status, duration and the request id, which every answer carries in
 * X-Request-Id and a 5xx page shows. An error met on the way is logged with its stack.
 */
function logRequest(req: IncomingMessage, res: ServerResponse, record: RequestRecord, started: number): void {
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const line = {
    reqId: record.id,
    method: req.method,
    path: queryAt === -1 ? url : url.slice(0, queryAt),
    route: record.route ?? null,
    status: res.statusCode,
    ms: Math.round((performance.now() - started) * 10) / 10,
    ...(res.writableFinished ? {} : { aborted: true }),
    ...(record.error ? { err: record.error } : {}),
  };
  if (res.statusCode >= 500 || record.error) log.error(line, 'request failed');
  else log.info(line, 'request');
}

/** How much of a refused upload is still read, and for how long, so the client sees the answer. */
const LINGER_BYTES = 8 * 1024 * 1024;
const LINGER_MS = 5_000;

/**
 * Lingering close (as nginx and Apache do): when an answer that closes the connection goes out
 * before the request's body was read to its end (a streamed upload refused at the size limit),
 * closing at once would make the kernel reset the connection on the client's next bytes, and a
 * client still sending may lose the answer with it. So the rest of the body is read and dropped,
 * up to a limit of bytes and time, before the connection closes.
 */
function lingerOnEarlyClose(req: IncomingMessage): void {
  const socket = req.socket;
  const closeNow = socket.destroySoon.bind(socket);
  socket.destroySoon = () => {
    if (req.complete) return closeNow();
    let read = 0;
    const stop = () => socket.destroy();
    const timer = setTimeout(stop, LINGER_MS);
    timer.unref();
    socket.end();
    socket.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > LINGER_BYTES) stop();
    });
    socket.once('end', stop);
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
  };
}

export const server = createServer({ requireHostHeader: false }, (req, res) => {
  // Only a body without a length can be refused before it is read whole (Node discards the rest of
  // one with a length itself).
  if (req.headers['transfer-encoding'] && !req.headers['content-length']) lingerOnEarlyClose(req);
  const record: RequestRecord = { id: randomUUID() };
  const started = performance.now();
  // Our own id replaces any a client sent: Astro's pages read it from the request.
  req.headers['x-request-id'] = record.id;
  res.setHeader('x-request-id', record.id);
  res.once('close', () => logRequest(req, res, record, started));
  requestStore().run(record, () => {
    if (
      refuseUnservedRequest(req, res) ||
      serveStatic(files, req, res) ||
      redirectTrailingSlash(req, res) ||
      refuseUndecodablePath(req, res)
    ) {
      return;
    }
    handler(req, res, () => serveNotFound(files, req, res)).catch((error: unknown) => {
      record.error = error;
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { ...ownHeaders, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Something went wrong on our side. If it keeps happening, quote request ${record.id}.`);
    });
  });
});
// Node's own answers to what its parser refuses, and to CONNECT (which it would drop unanswered),
// with a message and the security headers.
server.on('clientError', (error, socket) => refuseOnSocket(socket, parserRefusal(error), ownHeaders));
server.on('connect', (req: IncomingMessage, socket) =>
  // CONNECT is no method the site serves: there is always a refusal.
  refuseOnSocket(
    socket,
    refusalFor({ method: req.method, httpVersion: req.httpVersion, hosts: req.headersDistinct.host })!,
    ownHeaders,
  ),
);
server.keepAliveTimeout = 65_000;
// A request gets 30 s to arrive whole (headers within 15 s): slow uploads cannot pile up.
server.requestTimeout = 30_000;
server.headersTimeout = 15_000;
/**
 * Listens on the port: answers prerendered pages itself, passes every other connection to `server`.
 * Its limits for a request head and an idle connection are the same as Node's here.
 */
export const front = createFrontServer(files, server, {
  headersTimeout: server.headersTimeout,
  idleTimeout: server.keepAliveTimeout,
});

async function selfCheck(): Promise<MailViewerState> {
  // The handler writes to a real ServerResponse only; a loopback request exercises the same path.
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  const checkPort = typeof address === 'object' && address ? address.port : 0;
  try {
    // node:http rather than fetch: fetch would load undici, which nothing else here needs at start.
    const { status, body } = await new Promise<{ status: number; body: string }>((resolveGet, rejectGet) => {
      get({ host: '127.0.0.1', port: checkPort, path: '/healthz' }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolveGet({ status: response.statusCode ?? 0, body: text }));
        response.on('error', rejectGet);
      }).on('error', rejectGet);
    });
    if (status !== 200) throw new Error(`/healthz answered ${status}: ${body}`);
    return (JSON.parse(body) as { mailViewer: MailViewerState }).mailViewer;
  } finally {
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

let mailViewer: MailViewerState;
try {
  mailViewer = await selfCheck();
} catch (error) {
  log.fatal({ err: error }, 'The server did not start: its own health check failed.');
  process.exit(1);
}

front.listen(port, host, () => {
  // Started: from here the old generation grows by half of what survives a full collection, not by
  // V8's default of up to four times. Under load that keeps the server near 150 MiB rather than
  // 300, for about a tenth more CPU on pages that allocate a lot; set before listening, the extra
  // collections would slow the start by about 35 ms. The young generation's size can only be set
  // on the command line (--max-semi-space-size in package.json's scripts). Decision 0016.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  // One full collection now, so that factor applies to what start-up left alive (about 20 MiB).
  // Without it the first limit is V8's start-up one: under the first load the heap grew to about
  // 86 MiB before its first full collection, and V8 kept the 42 MiB it freed as pooled pages.
  // `gc` comes from a fresh context: the flag does not put it on this one's global object. A
  // second after listening, so the first request is not kept waiting behind it.
  setFlagsFromString('--expose-gc');
  setTimeout(() => (runInNewContext('gc') as () => void)(), 1000).unref();
  const address = front.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  // Start-up lines are written whatever LOG_LEVEL says: they tell where the server is.
  const startup = log.level === 'silent' ? log : log.child({}, { level: 'info' });
  startup.info(
    `Own the Follow-Up is listening on http://localhost:${actualPort} (${files.size} static files in memory)`,
  );
  startup.info(
    mailViewer.on
      ? `The local mail viewer is on at http://localhost:${actualPort}/dev/mail: ${mailViewer.why}.`
      : `The local mail viewer is off: ${mailViewer.why}.`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    front.close();
    // Background jobs (when this instance runs them) finish or hand back what they hold first.
    const stopJobs = (globalThis as { [key: symbol]: ((graceMs: number) => Promise<void>) | undefined })[
      Symbol.for('own-the-follow-up.stop-background-jobs')
    ];
    const jobsStopped = stopJobs ? stopJobs(3000).catch(() => undefined) : Promise.resolve();
    server.close(() => void jobsStopped.then(() => process.exit(0)));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
