import type { APIContext } from 'astro';
import { networkOf } from './client-network';
import { actionCall, BODY_TOO_LARGE_MESSAGE, bodyType, isActionName, MAX_BODY_BYTES } from './request-body';

type ClientContext = Pick<APIContext, 'clientAddress' | 'request' | 'locals'>;

/** The address the request came from: the socket's, or with TRUST_PROXY the nearest X-Forwarded-For entry. */
function clientAddress(context: ClientContext): string {
  if (context.locals.app.config.trustProxy) {
    // Our own proxy appends the address it saw last; whatever comes before it, the visitor wrote.
    const nearest = context.request.headers.get('x-forwarded-for')?.split(',').pop()?.trim();
    if (nearest) return nearest;
  }
  try {
    return context.clientAddress;
  } catch {
    return '';
  }
}

/**
 * The visitor's network, the key of every per-network rate limit and of the view counter: an IPv4
 * address, an IPv6 /64 (`2001:db8:1:2::/64`) or `unknown` (src/lib/http/client-network.ts says why).
 */
export function clientNetwork(context: ClientContext): string {
  return networkOf(clientAddress(context));
}

/** What the sign-in Actions call it: the visitor's network, not their single address. */
export const clientIp = clientNetwork;

export interface BodyRefusal {
  status: 400 | 404 | 413 | 415;
  message: string;
}

/**
 * Why a request's body is refused before Astro or a page reads it, or undefined when it may go on.
 * Over the size limit anywhere: 413 (a page or an endpoint reading it threw). For an Action: a name
 * Astro cannot look up (404), and a body that is not a form that parses (415, or 400 when
 * malformed; JSON that parses is fine on the RPC endpoint). Astro turns such a body into an Action
 * error, then the page showing the form reads the body again and throws: each was a 500.
 */
export async function bodyRefusal(request: Request, url: URL): Promise<BodyRefusal | undefined> {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  const tooLarge: BodyRefusal = { status: 413, message: BODY_TOO_LARGE_MESSAGE };
  const length = request.headers.get('content-length');
  if (Number(length ?? 0) > MAX_BODY_BYTES) return tooLarge;
  const action = actionCall(request.method, url);
  // A body with its length announced and within the limit is read by whoever needs it, once; only
  // an Action's body (parsed again by Astro and the page) or one streamed without a length is read
  // ahead here.
  if (!action && length !== null) return undefined;
  let body: ArrayBuffer;
  try {
    // The adapter stops reading at its limit, with or without a Content-Length: a copy finds out.
    body = await request.clone().arrayBuffer();
  } catch {
    return tooLarge;
  }
  if (body.byteLength > MAX_BODY_BYTES) return tooLarge;

  if (!action) return undefined;
  if (!isActionName(action.name)) return { status: 404, message: 'There is no such action.' };
  // An Action without input, called from script, sends no body at all.
  if (action.via === 'rpc' && body.byteLength === 0) return undefined;
  const type = bodyType(request.headers.get('content-type'));
  const malformed: BodyRefusal = { status: 400, message: 'The form could not be read. Reload the page and try again.' };
  if (type === 'json' && action.via === 'rpc') {
    try {
      JSON.parse(new TextDecoder().decode(body));
      return undefined;
    } catch {
      return malformed;
    }
  }
  if (type !== 'form') return { status: 415, message: 'Forms are sent as a form. Reload the page and try again.' };
  try {
    await new Response(body, { headers: { 'content-type': request.headers.get('content-type')! } }).formData();
    return undefined;
  } catch {
    return malformed;
  }
}
