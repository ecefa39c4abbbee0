/**
 * Build step: writes a Brotli (quality 11) and a gzip (level 9) copy beside every text file in
 * the client build, so the server starts by reading them instead of spending a second compressing.
 * Files that do not shrink get no copy.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export const COMPRESSIBLE = new Set(['.html', '.css', '.js', '.mjs', '.json', '.xml', '.txt', '.svg', '.webmanifest']);
export const MIN_COMPRESS_BYTES = 512;

export function compressBrotli(body: Buffer, quality = 11): Buffer {
  return brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
}

export function compressGzip(body: Buffer, level = 9): Buffer {
  return gzipSync(body, { level });
}

export function isCompressible(path: string, size: number): boolean {
  return COMPRESSIBLE.has(extname(path).toLowerCase()) && size >= MIN_COMPRESS_BYTES;
}

export function precompressDirectory(dir: string): number {
  let written = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const body = readFileSync(path);
    if (!isCompressible(path, body.length)) continue;
    for (const [suffix, compressed] of [
      ['.br', compressBrotli(body)],
      ['.gz', compressGzip(body)],
    ] as const) {
      if (compressed.length < body.length) {
        writeFileSync(path + suffix, compressed);
        written++;
      }
    }
  }
  return written;
}
