import { getEntry } from 'astro:content';
import { renderCheatSheetPdf } from './cheat-sheet-pdf.server';

let cached: { digest: string; pdf: Buffer } | undefined;

/**
 * The cheat sheet as a PDF, rendered from src/content/cheat-sheet on first request and kept in
 * memory until the content changes (a new build), so editing the YAML changes the PDF.
 */
export async function cheatSheetPdf(): Promise<Buffer> {
  const entry = await getEntry('cheatSheet', 'interview-success');
  if (!entry) throw new Error('src/content/cheat-sheet/interview-success.yaml is missing');
  const digest = String(entry.digest ?? JSON.stringify(entry.data));
  if (cached?.digest === digest) return cached.pdf;
  const pdf = await renderCheatSheetPdf(entry.data);
  cached = { digest, pdf };
  return pdf;
}
