/**
 * Prerendered pages and built assets answered from memory. At start every file under
 * dist/client is read once, its headers are computed once (type, length, ETag, cache policy,
 * security headers) and text files are compressed once with Brotli and gzip, so a request
 * costs a map lookup and one write: no file system, no per-request compression.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HSTS, SECURITY_HEADERS, pagePolicyHeader } from '../src/lib/http/security-headers.ts';
import { compressBrotli, compressGzip, isCompressible } from './precompress.ts';

type Headers = Record<string, string>;

interface Variant {
  body: Buffer;
  headers: Headers;
}

export interface StaticFile {
  identity: Variant;
  br: Variant | undefined;
  gzip: Variant | undefined;
  etag: string;
  /** The 404 page is served with its own status. */
  status: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && !/\.(br|gz)$/.test(entry.name)) yield path;
  }
}

/**
 * The URL a built file answers at: `articles/x/index.html` → `/articles/x`, `index.html` → `/`,
 * `404.html` → `/404`; anything else keeps its own path.
 */
export function urlPathFor(file: string): string {
  const path = '/' + file.split(sep).join('/');
  if (path === '/index.html') return '/';
  if (path.endsWith('/index.html')) return path.slice(0, -'/index.html'.length);
  if (path.endsWith('.html')) return path.slice(0, -'.html'.length);
  return path;
}

function cacheControl(urlPath: string, ext: string): string {
  // Astro puts content-hashed bundles under /_astro: they never change under the same name.
  if (urlPath.startsWith('/_astro/')) return 'public, max-age=31536000, immutable';
  if (ext === '.html') return 'public, max-age=0, must-revalidate';
  return 'public, max-age=3600';
}

function variant(body: Buffer, base: Headers, encoding?: string): Variant {
  const headers: Headers = { ...base, 'content-length': String(body.length) };
  if (encoding) headers['content-encoding'] = encoding;
  return { body, headers };
}

const POLICY_META = /<meta http-equiv="content-security-policy" content="([^"]*)"/i;

/**
 * A prerendered page carries its policy (with the hashes of its scripts and styles) in a <meta>;
 * the same policy goes out as a header too, where frame-ancestors also works.
 */
function pagePolicy(html: Buffer): string | undefined {
  const policy = POLICY_META.exec(html.toString('utf8', 0, Math.min(html.length, 65_536)))?.[1];
  return policy === undefined ? undefined : pagePolicyHeader(policy.replaceAll('&#39;', "'").replaceAll('&quot;', '"'));
}

export interface StaticOptions {
  /** Send Strict-Transport-Security: the site is served over HTTPS. */
  hsts?: boolean;
}

function precompressed(path: string, compress: () => Buffer): Buffer {
  return existsSync(path) ? readFileSync(path) : compress();
}

export function loadStaticFiles(clientDir: string, { hsts = false }: StaticOptions = {}): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const absolute of walk(clientDir)) {
    const file = relative(clientDir, absolute);
    const ext = extname(file).toLowerCase();
    const urlPath = urlPathFor(file);
    const body = readFileSync(absolute);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const compressible = isCompressible(file, body.length);
    const policy = ext === '.html' ? pagePolicy(body) : undefined;
    const base: Headers = {
      ...SECURITY_HEADERS,
      ...(policy ? { 'content-security-policy': policy } : {}),
      ...(hsts ? { 'strict-transport-security': HSTS } : {}),
      'content-type': TYPES[ext] ?? 'application/octet-stream',
      'cache-control': cacheControl(urlPath, ext),
      etag,
      ...(compressible ? { vary: 'accept-encoding' } : {}),
    };
    // The build leaves .br and .gz copies (server/precompress.ts); a file without one is
    // compressed here at a quicker setting so a start never waits long.
    const br = compressible ? precompressed(absolute + '.br', () => compressBrotli(body, 5)) : undefined;
    const gzip = compressible ? precompressed(absolute + '.gz', () => compressGzip(body, 6)) : undefined;
    files.set(urlPath, {
      identity: variant(body, base),
      br: br && br.length < body.length ? variant(br, base, 'br') : undefined,
      gzip: gzip && gzip.length < body.length ? variant(gzip, base, 'gzip') : undefined,
      etag,
      status: urlPath === '/404' ? 404 : 200,
    });
  }
  return files;
}

const CODINGS = {
  br: /(?:^|,)\s*br\s*(?:;\s*q=([0-9.]+))?\s*(?:,|$)/i,
  gzip: /(?:^|,)\s*gzip\s*(?:;\s*q=([0-9.]+))?\s*(?:,|$)/i,
};

function accepts(acceptEncoding: string, coding: keyof typeof CODINGS): boolean {
  const match = CODINGS[coding].exec(acceptEncoding);
  return match !== null && (match[1] === undefined || Number(match[1]) > 0);
}

/** Picks Brotli, then gzip, when the client accepts them (a `;q=0` refusal is respected). */
export function chooseVariant(file: StaticFile, acceptEncoding: string | undefined): Variant {
  if (acceptEncoding) {
    if (file.br && accepts(acceptEncoding, 'br')) return file.br;
    if (file.gzip && accepts(acceptEncoding, 'gzip')) return file.gzip;
  }
  return file.identity;
}

export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** Answers the request from memory and returns true, or returns false when it is not ours. */
export function serveStatic(files: Map<string, StaticFile>, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const file = files.get(path);
  if (!file || path === '/404') return false;
  const chosen = chooseVariant(file, req.headers['accept-encoding']);
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && etagMatches(ifNoneMatch, file.etag)) {
    const { 'content-length': _length, 'content-encoding': _encoding, ...headers } = chosen.headers;
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(file.status, chosen.headers);
  res.end(req.method === 'HEAD' ? undefined : chosen.body);
  return true;
}

/** The prerendered 404 page, for requests no route answers. */
export function serveNotFound(files: Map<string, StaticFile>, req: IncomingMessage, res: ServerResponse): void {
  const page = files.get('/404');
  if (!page) {
    res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  const chosen = chooseVariant(page, req.headers['accept-encoding']);
  res.writeHead(404, { ...chosen.headers, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : chosen.body);
}
