import type { APIRoute } from 'astro';
import { exportAccountData } from '../../lib/data/account-data.server';

export const prerender = false;

/** "Download all my data": the signed-in member's own data only. */
export const GET: APIRoute = async ({ locals, redirect }) => {
  if (!locals.user) return redirect('/login?next=%2Faccount', 303);
  const data = await exportAccountData(locals.app.db, locals.user);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="own-the-follow-up-my-data.json"',
      'cache-control': 'private, no-store',
    },
  });
};
