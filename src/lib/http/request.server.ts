import type { APIContext } from 'astro';
import { networkOf } from './client-network';
import { actionCall, bodyLimit, bodyTooLargeMessage, bodyType, isActionName, megabytes } from './request-body';

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
  /** With a 413: the limit the body went over, in bytes. */
  limit?: number;
}

/**
 * A copy of the body, read until it ends or passes `limit` bytes (then undefined, and no more is
 * read): a streamed body without a length costs at most the limit of its route, not the largest.
 */
async function readUpTo(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = request.clone().body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: a copy's cancel settles only once the request's own body is cancelled too.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
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
  const limit = bodyLimit(request.method, url);
  const tooLarge: BodyRefusal = { status: 413, message: bodyTooLargeMessage(limit), limit };
  const length = request.headers.get('content-length');
  if (Number(length ?? 0) > limit) return tooLarge;
  const action = actionCall(request.method, url);
  // A body with its length announced and within the limit is read by whoever needs it, once; only
  // an Action's body (parsed again by Astro and the page) or one streamed without a length is read
  // ahead here.
  if (!action && length !== null) return undefined;
  let body: Uint8Array<ArrayBuffer> | undefined;
  try {
    // The adapter stops reading at its limit, with or without a Content-Length: a copy finds out.
    body = await readUpTo(request, limit);
  } catch {
    return tooLarge;
  }
  if (!body) return tooLarge;

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

/** Said on the page whose form was sent over the limit, above its content. */
export function pageTooLargeMessage(limit: number): string {
  return `What you sent was larger than this site accepts (${megabytes(limit)}), so nothing was saved. Shorten it and send it again.`;
}

/** Headers of a request's body, which a request without one must not carry. */
const BODY_HEADERS = ['content-length', 'content-type', 'content-encoding', 'transfer-encoding'];

/**
 * The page a form was sent from, asked for as a GET: the same address without `_action`, the same
 * cookies and headers, no body. Rendering it shows the member where they were.
 */
export function pageRequest(request: Request, url: URL): Request {
  const page = new URL(url);
  page.searchParams.delete('_action');
  const headers = new Headers(request.headers);
  for (const name of BODY_HEADERS) headers.delete(name);
  return new Request(page, { method: 'GET', headers });
}
