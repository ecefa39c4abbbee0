/**
 * Tokens in links. Random tokens are stored only as a SHA-256 hash; signed tokens carry their
 * own data and an HMAC, so a link can be checked without a row (download links, unsubscribe).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function signature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** `purpose.data.expiry.signature`; expiry 0 means the link never expires. */
export function signToken(secret: string, purpose: string, data: string, expiresAt?: Date): string {
  const payload = `${purpose}.${data}.${expiresAt ? expiresAt.getTime().toString(36) : '0'}`;
  return `${payload}.${signature(secret, payload)}`;
}

export type SignedTokenCheck = { ok: true; data: string } | { ok: false; reason: 'invalid' | 'expired'; data?: string };

export function verifyToken(secret: string, purpose: string, token: string, now = new Date()): SignedTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== purpose || !/^[\w-]{1,64}$/.test(parts[1]!))
    return { ok: false, reason: 'invalid' };
  const payload = parts.slice(0, 3).join('.');
  const expected = Buffer.from(signature(secret, payload));
  const given = Buffer.from(parts[3]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const expiry = parseInt(parts[2]!, 36);
  if (!Number.isFinite(expiry)) return { ok: false, reason: 'invalid' };
  if (expiry !== 0 && expiry < now.getTime()) return { ok: false, reason: 'expired', data: parts[1]! };
  return { ok: true, data: parts[1]! };
}
