import type { APIRoute } from 'astro';
import { cheatSheetPdf } from '../../lib/leads/cheat-sheet-file.server';
import { checkDownloadToken } from '../../lib/leads/leads.server';

export const prerender = false;

/** The signed, expiring download link from the confirmation page and the emails. */
export const GET: APIRoute = async ({ url, redirect, locals }) => {
  const token = url.searchParams.get('token') ?? '';
  const check = await checkDownloadToken(locals.app, token);
  if (check.status !== 'ok') return redirect(`/cheat-sheet/link-expired?reason=${check.status}`, 303);
  const pdf = await cheatSheetPdf();
  return new Response(new Uint8Array(pdf), {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': 'attachment; filename="interview-success-cheat-sheet.pdf"',
      'content-length': String(pdf.length),
      'cache-control': 'private, no-store',
      'referrer-policy': 'no-referrer',
    },
  });
};
