import type { APIContext } from 'astro';
import { trustProxy } from './config';

/** The visitor's address: the socket's, or with TRUST_PROXY the nearest X-Forwarded-For entry. */
export function clientIp(context: Pick<APIContext, 'clientAddress' | 'request'>): string {
  if (trustProxy) {
    const forwarded = context.request.headers.get('x-forwarded-for');
    const nearest = forwarded?.split(',').pop()?.trim();
    if (nearest) return nearest;
  }
  try {
    return context.clientAddress;
  } catch {
    return 'unknown';
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** True only for a request made on this machine, never through a trusted proxy header. */
export function isLoopback(context: Pick<APIContext, 'clientAddress'>): boolean {
  try {
    return LOOPBACK.has(context.clientAddress);
  } catch {
    return false;
  }
}
