import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseVariant, loadStaticFiles, serveNotFound, serveStatic, urlPathFor } from '../../server/static-files.ts';
import { pagePolicyHeader } from '../../src/lib/http/security-headers.ts';

const articleHtml = `<!doctype html><title>Article</title>${'<p>Send the thank-you note within a day.</p>'.repeat(200)}`;

function buildFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otfu-static-'));
  mkdirSync(join(dir, 'articles/thank-you'), { recursive: true });
  mkdirSync(join(dir, '_astro'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Home</title>');
  writeFileSync(join(dir, 'articles/thank-you/index.html'), articleHtml);
  writeFileSync(join(dir, '404.html'), '<!doctype html><title>Not found</title>');
  writeFileSync(join(dir, '_astro/app.abc123.css'), 'body{color:red}'.repeat(100));
  writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
  return dir;
}

describe('urlPathFor', () => {
  it.each([
    ['index.html', '/'],
    ['articles/thank-you/index.html', '/articles/thank-you'],
    ['404.html', '/404'],
    ['rss.xml', '/rss.xml'],
    ['_astro/app.abc123.css', '/_astro/app.abc123.css'],
  ])('%s answers at %s', (file, path) => {
    expect(urlPathFor(file)).toBe(path);
  });
});

describe('the in-memory static server', () => {
  let server: Server;
  let base: string;
  const files = loadStaticFiles(buildFixture());

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!serveStatic(files, req, res)) serveNotFound(files, req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(base + path, { headers: { 'accept-encoding': 'identity', ...headers } });

  it('serves a prerendered page with its type, length, validator and security headers', async () => {
    const response = await get('/articles/thank-you');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(articleHtml)));
    expect(response.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toBe(articleHtml);
  });

  it('ignores the query string when finding the page', async () => {
    expect((await get('/articles/thank-you?utm_source=newsletter')).status).toBe(200);
  });

  it('answers a repeat visit with 304 and no body', async () => {
    const etag = (await get('/articles/thank-you')).headers.get('etag')!;
    const response = await get('/articles/thank-you', { 'if-none-match': `W/${etag}` });
    expect(response.status).toBe(304);
    expect(await response.text()).toBe('');
  });

  it('sends Brotli or gzip only to clients that accept them, and the bytes decode to the page', async () => {
    const br = await fetch(base + '/articles/thank-you', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(Number(br.headers.get('content-length'))).toBeLessThan(Buffer.byteLength(articleHtml) / 5);

    const file = files.get('/articles/thank-you')!;
    expect(brotliDecompressSync(file.br!.body).toString()).toBe(articleHtml);
    expect(gunzipSync(file.gzip!.body).toString()).toBe(articleHtml);
    expect(chooseVariant(file, 'gzip, deflate')).toBe(file.gzip);
    expect(chooseVariant(file, 'br;q=0, gzip')).toBe(file.gzip);
    expect(chooseVariant(file, 'identity')).toBe(file.identity);
    expect(chooseVariant(file, undefined)).toBe(file.identity);
  });

  it('caches hashed assets for a year and leaves tiny files uncompressed', async () => {
    const css = await get('/_astro/app.abc123.css');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(files.get('/favicon.svg')!.br).toBeUndefined();
  });

  it('answers HEAD with headers and no body', async () => {
    const response = await fetch(base + '/articles/thank-you', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('leaves other methods and unknown paths to the app, which shows the 404 page with status 404', async () => {
    const post = await fetch(base + '/articles/thank-you', { method: 'POST' });
    expect(post.status).toBe(404);
    const missing = await get('/no-such-page');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Not found');
    expect((await get('/404')).status).toBe(404);
  });
});

describe("a prerendered page's policy", () => {
  const policy = "default-src 'self'; script-src 'self' 'sha256-abc='; style-src 'self' 'sha256-def='";
  const page = `<!doctype html><head><meta http-equiv="content-security-policy" content="${policy.replaceAll("'", '&#39;')}"></head>`;

  function load(options: { hsts?: boolean }) {
    const dir = mkdtempSync(join(tmpdir(), 'otfu-policy-'));
    writeFileSync(join(dir, 'index.html'), page);
    writeFileSync(join(dir, 'plain.html'), '<!doctype html><title>No policy</title>');
    writeFileSync(join(dir, 'feed.xml'), '<rss/>');
    return loadStaticFiles(dir, options);
  }

  it('goes out as a header, with frame-ancestors added (a <meta> cannot carry it)', () => {
    const headers = load({}).get('/')!.identity.headers;
    expect(headers['content-security-policy']).toBe(`${policy}; frame-ancestors 'none'`);
  });

  it('leaves the default policy on files without one', () => {
    const files = load({});
    for (const path of ['/plain', '/feed.xml']) {
      expect(files.get(path)!.identity.headers['content-security-policy']).toBe(
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'",
      );
    }
  });

  it('adds HSTS to every file only for a site served over HTTPS', () => {
    for (const variant of Object.values(load({ hsts: true }).get('/')!).filter(
      (v) => v && typeof v === 'object' && 'headers' in v,
    ))
      expect(variant.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    expect(load({ hsts: true }).get('/feed.xml')!.identity.headers['strict-transport-security']).toBe(
      'max-age=63072000; includeSubDomains',
    );
    expect(load({}).get('/')!.identity.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('pagePolicyHeader', () => {
  it.each([
    ["script-src 'self'", "script-src 'self'; frame-ancestors 'none'"],
    ["script-src 'self';", "script-src 'self'; frame-ancestors 'none'"],
    ["frame-ancestors 'self'; script-src 'self'", "frame-ancestors 'self'; script-src 'self'"],
  ])('%s → %s', (input, output) => {
    expect(pagePolicyHeader(input)).toBe(output);
  });
});
