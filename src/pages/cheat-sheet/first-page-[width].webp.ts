import type { APIRoute, GetStaticPaths } from 'astro';
import { PREVIEW_WIDTHS } from '../../lib/leads/cheat-sheet';
import { cheatSheetPdf } from '../../lib/leads/cheat-sheet-file.server';
import { renderFirstPage } from '../../lib/leads/cheat-sheet-preview.server';

/** Written to dist/client at build: a static file, served with the site's caching. */
export const prerender = true;

export const getStaticPaths = (() =>
  PREVIEW_WIDTHS.map((width) => ({ params: { width: String(width) } }))) satisfies GetStaticPaths;

/** The first page of the cheat sheet, rendered from the PDF, for /cheat-sheet's preview. */
export const GET: APIRoute = async ({ params }) => {
  const image = await renderFirstPage(await cheatSheetPdf(), Number(params.width));
  return new Response(new Uint8Array(image), { headers: { 'content-type': 'image/webp' } });
};
