/**
 * What the server refuses before any page runs, and how it says so: a method the site does not
 * serve (405, with `Allow`), a Host that is not one host[:port] (400), and the heads Node's own
 * parser rejects. Each answer is short plain text with the site's security headers; none reaches
 * Astro, whose adapter answers 500 to what it cannot turn into a `Request` (TRACE, a Host with
 * user:pass@).
 */
import { isIPv6 } from 'node:net';
import type { Duplex } from 'node:stream';

/**
 * The methods the site's pages, endpoints and Actions answer: no route exports another, and with
 * no cross-origin API there is no preflight, so OPTIONS is refused like the rest.
 */
const SERVED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);
const ALLOW = [...SERVED_METHODS].join(', ');

export interface Refusal {
  status: 400 | 405 | 408 | 413 | 431;
  message: string;
  headers: Record<string, string>;
}

const METHOD_NOT_SERVED: Refusal = {
  status: 405,
  message: 'This site answers only GET, HEAD and POST requests.',
  headers: { allow: ALLOW },
};
const BAD_HOST: Refusal = {
  status: 400,
  message: 'The Host header must be one host name or address, with an optional port.',
  headers: {},
};

const HOST_NAME = /^(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/;
const IP_LITERAL = /^\[([0-9A-Fa-f:.]+)\]$/;

/**
 * A Host value as RFC 9110 allows it and a browser sends it: a DNS name, an IPv4 address or a
 * bracketed IPv6 address, then optionally `:` and a port from 1 to 65535. No user:pass@, no path,
 * no space, no empty value.
 */
export function isValidHost(value: string): boolean {
  if (value.length === 0 || value.length > 260) return false;
  const portAt = value.lastIndexOf(':');
  const hasPort = portAt !== -1 && !value.endsWith(']') && (value.startsWith('[') || value.indexOf(':') === portAt);
  const host = hasPort ? value.slice(0, portAt) : value;
  if (hasPort) {
    const port = value.slice(portAt + 1);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return false;
  }
  const literal = IP_LITERAL.exec(host);
  if (literal) return isIPv6(literal[1]!);
  // The URL parser has the last word on names that read as IPv4 (1.2.3.999, 0x7f.1).
  return host.length <= 254 && HOST_NAME.test(host) && URL.canParse(`http://${host}/`);
}

export interface RequestHead {
  method: string | undefined;
  httpVersion: string;
  /** Every Host header line's value (Node's `req.headersDistinct.host`). */
  hosts: string[] | undefined;
}

/**
 * Why a request head is refused, or undefined when the site may answer it. The Host comes first
 * (RFC 9112 §3.2: a missing, repeated or invalid Host is a 400 whatever the method).
 */
export function refusalFor({ method, httpVersion, hosts }: RequestHead): Refusal | undefined {
  if (hosts === undefined || hosts.length === 0) {
    // HTTP/1.0 had no Host; from 1.1 on a request must carry one.
    return httpVersion === '1.0' || httpVersion === '0.9' ? methodRefusal(method) : BAD_HOST;
  }
  if (hosts.length > 1 || !isValidHost(hosts[0]!)) return BAD_HOST;
  return methodRefusal(method);
}

function methodRefusal(method: string | undefined): Refusal | undefined {
  return method !== undefined && SERVED_METHODS.has(method) ? undefined : METHOD_NOT_SERVED;
}

/** A method token (RFC 9110 §5.6.2) at the start of what the parser refused: a method, not noise. */
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ /;

/**
 * The answer to a head Node's parser refused: Node's own statuses (431, 413, 408, otherwise 400),
 * except that a request line naming a method llhttp does not know (`get`, `TRACK`, `FOO`) gets
 * the 405 every other unserved method gets.
 */
export function parserRefusal(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): Refusal {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are too large.', headers: {} };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, message: 'The request body has chunk extensions that are too large.', headers: {} };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request took too long to arrive.', headers: {} };
    case 'HPE_INVALID_METHOD':
      // Anything else (a TLS hello on the plain port, binary noise) is not a method but malformed.
      if (METHOD_TOKEN.test(error.rawPacket?.toString('latin1', 0, 64) ?? '')) return METHOD_NOT_SERVED;
  }
  return { status: 400, message: 'This request is malformed.', headers: {} };
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  431: 'Request Header Fields Too Large',
};

/**
 * Writes a refusal straight to the socket and closes it, for the places where Node gives a socket
 * rather than a response (`clientError`, `connect`).
 */
export function refuseOnSocket(socket: Duplex, refusal: Refusal, ownHeaders: Record<string, string>): void {
  // As Node's own clientError answer does: never write into a response already on its way.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = `${refusal.message}\n`;
    let head = `HTTP/1.1 ${refusal.status} ${REASONS[refusal.status]}\r\n`;
    for (const [name, value] of Object.entries({ ...ownHeaders, ...refusal.headers })) head += `${name}: ${value}\r\n`;
    head += `content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    socket.write(`${head}cache-control: no-store\r\nconnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
