/**
 * The production server: one Node `http` server in front of the built Astro app.
 * Prerendered pages and assets come from memory (server/static-files.ts); everything else
 * (server islands, Actions, personal pages, /healthz) goes to Astro's request handler.
 *
 * Before it listens it asks itself for /healthz, which validates the environment
 * (astro:env), applies migrations and checks the database: a bad configuration stops the
 * start with Astro's message instead of failing the first visitor.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HSTS, SECURITY_HEADERS } from '../src/lib/security-headers.ts';
import { createFrontServer } from './fast-path.ts';
import { loadStaticFiles, serveNotFound, serveStatic } from './static-files.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => Promise<void>;

/** The project folder: the nearest one above this file with a package.json (this file also runs bundled from dist/server). */
function projectRoot(from: string): string {
  let dir = from;
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

const root = projectRoot(import.meta.dirname);
process.chdir(root);
if (existsSync('.env')) process.loadEnvFile('.env');

// Bundled, this file is <build>/server/main.mjs beside Astro's entry; run from source, the build is dist/.
const serverDir = existsSync(resolve(import.meta.dirname, 'entry.mjs'))
  ? import.meta.dirname
  : resolve(root, 'dist/server');
const entry = resolve(serverDir, 'entry.mjs');
if (!existsSync(entry)) {
  console.error('No build found in dist/. Run `npm run build` first (or `npm start`, which builds when needed).');
  process.exit(1);
}

const port = Number(process.env.PORT ?? 4321);
const host = process.env.HOST ?? '0.0.0.0';
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a whole number from 0 to 65535, not "${process.env.PORT}".`);
  process.exit(1);
}

// The bundled React picks its build from NODE_ENV when it loads: without this, every island is
// rendered by React's development build, several times slower.
process.env.NODE_ENV ??= 'production';
const { handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler };
declare const __SITE_URL__: string | undefined;
// The public origin the build was made for (SITE_URL at build time, see astro.config.mjs).
const site = typeof __SITE_URL__ === 'string' ? __SITE_URL__ : (process.env.SITE_URL ?? 'http://localhost:4321');
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

export const server = createServer((req, res) => {
  if (serveStatic(files, req, res) || redirectTrailingSlash(req, res) || refuseUndecodablePath(req, res)) return;
  void handler(req, res, () => serveNotFound(files, req, res));
});
server.keepAliveTimeout = 65_000;
// A request gets 30 s to arrive whole (headers within 15 s): slow uploads cannot pile up.
server.requestTimeout = 30_000;
server.headersTimeout = 15_000;
/** Listens on the port: answers prerendered pages itself, passes every other connection to `server`. */
export const front = createFrontServer(files, server);

async function selfCheck(): Promise<void> {
  // The handler writes to a real ServerResponse only; a loopback request exercises the same path.
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  const checkPort = typeof address === 'object' && address ? address.port : 0;
  try {
    const response = await fetch(`http://127.0.0.1:${checkPort}/healthz`);
    if (!response.ok) {
      throw new Error(`/healthz answered ${response.status}: ${await response.text()}`);
    }
  } finally {
    await new Promise((resolveClose) => server.close(resolveClose));
  }
}

try {
  await selfCheck();
} catch (error) {
  console.error(
    'The server did not start: its own health check failed.',
    error instanceof Error ? error.message : error,
  );
  process.exit(1);
}

front.listen(port, host, () => {
  const address = front.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(
    `Own the Follow-Up is listening on http://localhost:${actualPort} (${files.size} static files in memory)`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    front.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
