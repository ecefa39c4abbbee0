/**
 * Who the local mail viewer (/dev/mail) answers. It shows every email the site queued, sign-in and
 * password-reset links included, so it is a development tool and nothing more: it is on only when
 * the server keeps email to itself (no email provider), is not behind a proxy and was built for
 * this machine (plain http on localhost), and then it answers only requests that come from this
 * machine. Anything else gets a 404, whatever the headers say.
 *
 * "From this machine" means all of: the socket is loopback; no proxy header at all (behind nginx
 * or Caddy on the same host every visitor's socket is loopback, so a forwarded request is a
 * visitor's); and a Host of localhost, 127.0.0.1 or [::1] (a page on an attacker's name that
 * resolves to 127.0.0.1, DNS rebinding, sends its own name).
 */
import { isLoopbackAddress } from '../http/client-network';

export interface MailViewerSettings {
  /** An email provider key is set: email leaves the machine instead of waiting for the viewer. */
  emailKey: boolean;
  trustProxy: boolean;
  /** The public origin the site was built for. */
  siteUrl: string;
}

export interface MailViewerState {
  on: boolean;
  /** Why, in words for the start-up log. */
  why: string;
}

const LOCAL_HOST_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether the viewer is on for this server at all, and why. */
export function mailViewerState({ emailKey, trustProxy, siteUrl }: MailViewerSettings): MailViewerState {
  const site = URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
  const builtForThisMachine = site?.protocol === 'http:' && LOCAL_HOST_NAMES.has(site.hostname);
  const off = [
    emailKey && 'RESEND_API_KEY is set, so email is delivered',
    trustProxy && 'TRUST_PROXY is true, and a server behind a proxy is no development machine',
    !builtForThisMachine && `the site is built for ${siteUrl}, not for http://localhost`,
  ].filter((reason) => reason !== false);
  if (off.length > 0) return { on: false, why: off.join('; ') };
  return {
    on: true,
    why: `no RESEND_API_KEY, TRUST_PROXY off and a build for ${siteUrl}; it answers requests from this machine only`,
  };
}

/**
 * Headers that say a proxy, load balancer or CDN passed the request on: any X-Forwarded-*, and the
 * others in use. One of them is enough to make a request not this machine's own.
 */
const FORWARDING_HEADERS = new Set([
  'forwarded',
  'forwarded-for',
  'via',
  'cdn-loop',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'x-proxyuser-ip',
  'x-envoy-external-address',
  'x-appengine-user-ip',
  'x-azure-clientip',
  'x-azure-socketip',
  'client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'cf-connecting-ipv6',
  'fastly-client-ip',
  'akamai-origin-hop',
]);

export function hasForwardingHeader(headers: Headers): boolean {
  for (const name of headers.keys()) {
    if (name.startsWith('x-forwarded') || FORWARDING_HEADERS.has(name)) return true;
  }
  return false;
}

/** localhost, 127.0.0.1 or [::1], with any port; host names are case-insensitive. */
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i;

export interface IncomingRequest {
  /** The socket's remote address, undefined when unknown. */
  socketAddress: string | undefined;
  headers: Headers;
}

export function isFromThisMachine({ socketAddress, headers }: IncomingRequest): boolean {
  return (
    socketAddress !== undefined &&
    isLoopbackAddress(socketAddress) &&
    !hasForwardingHeader(headers) &&
    LOCAL_HOST.test(headers.get('host') ?? '')
  );
}

export function mailViewerAnswers(state: MailViewerState, request: IncomingRequest): boolean {
  return state.on && isFromThisMachine(request);
}
