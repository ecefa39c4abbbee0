/**
 * Resend's webhook: what happened to the email we sent (delivered, bounced, complained). Shaped
 * like Stripe's (src/lib/coaching/billing.server.ts): the signature is the authentication, checked
 * with the standardwebhooks package (Svix's scheme, which Resend signs with: HMAC-SHA256 over
 * `id.timestamp.body`, five minutes' tolerance); every event is recorded once by its svix-id, so a
 * redelivery changes nothing. A hard bounce or a complaint suppresses the address for marketing
 * email (no newsletter goes to it again); deliveries, bounces and complaints are counted per
 * campaign. Nothing here says who opened or clicked what: those events, if the provider sends
 * them, are recorded as received and have no effect.
 */
import { eq } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { Database } from '../../../db/connect.ts';
import { emailEvents, emailSuppressions } from '../../../db/schema.ts';
import { countCampaign } from '../email/outbox.server.ts';
import { isCampaign } from './campaigns.ts';

/** Resend's events are a few kilobytes; anything far larger is not from Resend. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

export interface ResendWebhookResult {
  status: number;
  message: string;
}

/** The headers Resend signs with (Svix's names), as a request has them. */
export interface ResendWebhookHeaders {
  id: string | null;
  timestamp: string | null;
  signature: string | null;
}

interface ResendEvent {
  type: string;
  created_at?: unknown;
  data?: {
    email_id?: unknown;
    to?: unknown;
    tags?: unknown;
    bounce?: { type?: unknown; subType?: unknown; message?: unknown };
  };
}

const NOT_VERIFIED: ResendWebhookResult = {
  status: 400,
  message: 'The svix-signature header did not verify for this payload and time.',
};

/**
 * The events about delivery, which keep the address they concern. Any other (opens and clicks,
 * should tracking ever be switched on at Resend) is recorded without it: nobody's reading is kept.
 */
const DELIVERY_EVENTS = new Set([
  'email.sent',
  'email.delivered',
  'email.delivery_delayed',
  'email.bounced',
  'email.complained',
  'email.failed',
  'email.suppressed',
]);

/** A bounce Resend reports as temporary (or cannot tell) leaves the address alone. */
const SOFT_BOUNCE = /transient|undetermined/i;

/** The campaign the email was tagged with when it was sent (`campaign` tag), when it is one of ours. */
export function campaignOfTags(tags: unknown): string | null {
  let value: unknown;
  if (Array.isArray(tags))
    value = (tags as { name?: unknown; value?: unknown }[]).find((tag) => tag?.name === 'campaign')?.value;
  else if (tags && typeof tags === 'object') value = (tags as Record<string, unknown>)['campaign'];
  return typeof value === 'string' && isCampaign(value) ? value : null;
}

const text = (value: unknown, max: number): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;

/** The first recipient, lower-cased as addresses are stored here. */
function recipientOf(to: unknown): string | null {
  const first = Array.isArray(to) ? to[0] : to;
  return typeof first === 'string' && first.length <= 320 ? first.trim().toLowerCase() || null : null;
}

export async function handleResendWebhook(
  db: Database,
  secret: string,
  payload: string,
  headers: ResendWebhookHeaders,
  now = new Date(),
): Promise<ResendWebhookResult> {
  if (!headers.id || !headers.timestamp || !headers.signature) return NOT_VERIFIED;
  try {
    new Webhook(secret).verify(
      payload,
      { 'webhook-id': headers.id, 'webhook-timestamp': headers.timestamp, 'webhook-signature': headers.signature },
      { jsonParse: false },
    );
  } catch (error) {
    if (error instanceof WebhookVerificationError) return NOT_VERIFIED;
    throw error;
  }
  let event: ResendEvent;
  try {
    event = JSON.parse(payload) as ResendEvent;
  } catch {
    return { status: 400, message: 'The payload is not JSON.' };
  }
  if (!event || typeof event !== 'object' || typeof event.type !== 'string' || event.type.length > 100)
    return { status: 400, message: 'The payload is not a Resend event.' };
  const id = headers.id.slice(0, 200);
  const [seen] = await db.select({ id: emailEvents.id }).from(emailEvents).where(eq(emailEvents.id, id));
  if (seen) return { status: 200, message: 'Already handled.' };

  const data = event.data && typeof event.data === 'object' ? event.data : {};
  const email = DELIVERY_EVENTS.has(event.type) ? recipientOf(data.to) : null;
  const campaign = campaignOfTags(data.tags);
  const occurred = typeof event.created_at === 'string' ? Date.parse(event.created_at) : NaN;
  const bounceType = text(data.bounce?.type, 100) ?? '';
  const hardBounce = event.type === 'email.bounced' && !SOFT_BOUNCE.test(bounceType);
  const suppress: 'bounce' | 'complaint' | null = hardBounce
    ? 'bounce'
    : event.type === 'email.complained'
      ? 'complaint'
      : null;

  const outcome = await db.transaction(async (tx) => {
    const recorded = await tx
      .insert(emailEvents)
      .values({
        id,
        type: event.type,
        email,
        campaign,
        providerMessageId: text(data.email_id, 200),
        occurredAt: Number.isFinite(occurred) ? new Date(occurred) : null,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: emailEvents.id });
    if (recorded.length === 0) return 'Already handled.';
    if (suppress && email) {
      const detail = [bounceType, text(data.bounce?.subType, 100), text(data.bounce?.message, 500)]
        .filter(Boolean)
        .join(': ');
      await tx
        .insert(emailSuppressions)
        .values({ email, reason: suppress, campaign, detail: detail || null, createdAt: now })
        .onConflictDoUpdate({
          target: emailSuppressions.email,
          set: { reason: suppress, campaign, detail: detail || null },
        });
    }
    if (campaign) {
      if (event.type === 'email.delivered') await countCampaign(tx, campaign, 'delivered', 1, now);
      if (hardBounce) await countCampaign(tx, campaign, 'bounced', 1, now);
      if (event.type === 'email.complained') await countCampaign(tx, campaign, 'complained', 1, now);
    }
    if (suppress === 'bounce') return 'Recorded: a hard bounce; the address gets no more newsletters.';
    if (suppress === 'complaint') return 'Recorded: a complaint; the address gets no more newsletters.';
    if (event.type === 'email.bounced') return 'Recorded: a temporary bounce; the address is kept.';
    return 'Recorded.';
  });
  return { status: 200, message: outcome };
}
