/**
 * Runtime configuration of the app, read once from astro:env (validated at start) and turned
 * into the objects the rest of the server uses.
 */
import { APP_SECRET, EMAIL_FROM, RESEND_API_KEY, RESEND_BASE_URL, TRUST_PROXY } from 'astro:env/server';
import { db } from './db.server';
import { configuredTransport, type EmailTransport } from '../email/transport.server.ts';
import type { LeadContext } from '../leads/leads.server.ts';
import { loadSigningSecret } from '../auth/signing-secret.server.ts';

/** The public origin the site was built for; links in emails point here. */
export const siteUrl: string = import.meta.env.SITE ?? 'http://localhost:4321';

/** `local` keeps email in the outbox for /dev/mail; `resend` delivers it. */
export const mailMode: 'local' | 'resend' = RESEND_API_KEY ? 'resend' : 'local';

export const emailTransport: EmailTransport = configuredTransport(RESEND_API_KEY, RESEND_BASE_URL);

export const emailFrom = EMAIL_FROM;

export const trustProxy = TRUST_PROXY;

let secret: Promise<string> | undefined;

/** The key that signs links, read once (see signing-secret.ts). */
export function signingSecret(): Promise<string> {
  secret ??= loadSigningSecret(db, APP_SECRET);
  return secret;
}

export async function leadContext(now?: Date): Promise<LeadContext> {
  return { db, secret: await signingSecret(), siteUrl, ...(now ? { now } : {}) };
}
