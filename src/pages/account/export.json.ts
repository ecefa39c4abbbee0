import type { APIRoute } from 'astro';
import { exportAccountData } from '../../lib/data/account-data.server';
import { jsonAttachmentResponse } from '../../lib/http/attachment';

export const prerender = false;

/** "Download all my data": the signed-in member's own data only. */
export const GET: APIRoute = async ({ locals, redirect }) => {
  if (!locals.user) return redirect('/login?next=%2Faccount', 303);
  const data = await exportAccountData(locals.app.db, locals.user);
  return jsonAttachmentResponse(data, 'own-the-follow-up-my-data.json');
};
