/**
 * The first page of the cheat sheet as a WebP image, for the landing page. Rendered from the PDF
 * itself by Poppler's pdftoppm (Debian's poppler-utils), then encoded by sharp: at build time, by a
 * prerendered endpoint, so the server never runs either. See docs/funnel.md for why Poppler.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { previewHeight } from './cheat-sheet';

const run = promisify(execFile);

export async function renderFirstPage(pdf: Uint8Array, width: number): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'cheat-sheet-preview-'));
  try {
    await writeFile(join(dir, 'sheet.pdf'), pdf);
    // Drawn at twice the size and scaled down: small text stays crisp.
    await run('pdftoppm', [
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      '-png',
      '-scale-to-x',
      String(width * 2),
      '-scale-to-y',
      '-1',
      join(dir, 'sheet.pdf'),
      join(dir, 'page'),
    ]);
    const png = await readFile(join(dir, 'page.png'));
    return await sharp(png).resize(width, previewHeight(width), { fit: 'fill' }).webp({ quality: 82 }).toBuffer();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error("pdftoppm is missing: install Debian's poppler-utils (apt-get install -y poppler-utils)", {
        cause: error,
      });
    }
    throw error;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
