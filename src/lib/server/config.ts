/**
 * Runtime configuration of the app, read once from astro:env (validated at start) and turned
 * into the objects the rest of the server uses.
 */
import { APP_SECRET, EMAIL_FROM, RESEND_API_KEY, RESEND_BASE_URL, TRUST_PROXY } from 'astro:env/server';
import { eq } from 'drizzle-orm';
import { appSettings } from '../../../db/schema.ts';
import { db } from './db';
import { createResendTransport, localTransport, type EmailTransport } from './email/transport.ts';
import type { LeadContext } from './leads.ts';
import { randomToken } from './tokens.ts';

/** The public origin the site was built for; links in emails point here. */
export const siteUrl: string = import.meta.env.SITE ?? 'http://localhost:4321';

/** `local` keeps email in the outbox for /dev/mail; `resend` delivers it. */
export const mailMode: 'local' | 'resend' = RESEND_API_KEY ? 'resend' : 'local';

export const emailTransport: EmailTransport = RESEND_API_KEY
  ? createResendTransport(RESEND_API_KEY, RESEND_BASE_URL)
  : localTransport;

export const emailFrom = EMAIL_FROM;

export const trustProxy = TRUST_PROXY;

let secret: Promise<string> | undefined;

/**
 * The key that signs links. APP_SECRET when set (required in production, shared by every
 * instance); otherwise one is generated on first use and kept in the database, so the embedded
 * default needs no configuration and links survive restarts.
 */
export function signingSecret(): Promise<string> {
  secret ??= (async () => {
    if (APP_SECRET) return APP_SECRET;
    const key = 'secret.signing';
    await db
      .insert(appSettings)
      .values({ key, value: randomToken(32) })
      .onConflictDoNothing();
    const [row] = await db.select().from(appSettings).where(eq(appSettings.key, key));
    return String(row!.value);
  })();
  return secret;
}

export async function leadContext(now?: Date): Promise<LeadContext> {
  return { db, secret: await signingSecret(), siteUrl, ...(now ? { now } : {}) };
}
