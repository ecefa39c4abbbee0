import { getEntry } from 'astro:content';
import { renderCheatSheetPdf } from './cheat-sheet-pdf.server';
import { countPdfPages, type CheatSheet } from './cheat-sheet';

/** The sheet as the reader gets it: its content, the PDF drawn from it, and that PDF's page count. */
export interface CheatSheetDocument {
  sheet: CheatSheet;
  pdf: Buffer;
  pages: number;
}

let cached: { digest: string; document: CheatSheetDocument } | undefined;

/**
 * The cheat sheet rendered from src/content/cheat-sheet, once per process (at build for the
 * prerendered pages and the preview images, on first use in the server) and kept in memory until
 * the content changes (a new build), so editing the YAML changes the PDF and everything that
 * describes it. Its page count is counted in the rendered file, never written down by hand.
 */
export async function cheatSheetDocument(): Promise<CheatSheetDocument> {
  const entry = await getEntry('cheatSheet', 'interview-success');
  if (!entry) throw new Error('src/content/cheat-sheet/interview-success.yaml is missing');
  const digest = String(entry.digest ?? JSON.stringify(entry.data));
  if (cached?.digest === digest) return cached.document;
  const pdf = await renderCheatSheetPdf(entry.data);
  const document = { sheet: entry.data, pdf, pages: countPdfPages(pdf) };
  cached = { digest, document };
  return document;
}

/** The cheat sheet as PDF bytes, for the download. */
export async function cheatSheetPdf(): Promise<Buffer> {
  return (await cheatSheetDocument()).pdf;
}

/** How many pages the PDF has: the number every description of the sheet states. */
export async function cheatSheetPages(): Promise<number> {
  return (await cheatSheetDocument()).pages;
}
