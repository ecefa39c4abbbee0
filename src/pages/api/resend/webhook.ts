/**
 * Resend's webhook endpoint (bounces, complaints, deliveries). The signature is the authentication
 * (the CSRF check lets this path through; no session is read); every event id is handled once. On
 * only with RESEND_WEBHOOK_SECRET: without it, 404, as Stripe's endpoint answers with payments off.
 */
import type { APIRoute } from 'astro';
import { handleResendWebhook, MAX_WEBHOOK_BYTES } from '../../../lib/marketing/webhooks.server';

export const prerender = false;

const text = (status: number, message: string) =>
  new Response(message, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });

const TOO_LARGE = 'The payload is too large for a Resend event.';

export const POST: APIRoute = async ({ request, locals }) => {
  const { db, config, clock } = locals.app;
  const secret = config.email.webhookSecret;
  if (!secret) return text(404, 'Resend webhooks are switched off on this site.');
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_WEBHOOK_BYTES) return text(413, TOO_LARGE);
  const payload = await request.text();
  if (Buffer.byteLength(payload) > MAX_WEBHOOK_BYTES) return text(413, TOO_LARGE);
  try {
    const result = await handleResendWebhook(
      db,
      secret,
      payload,
      {
        id: request.headers.get('svix-id'),
        timestamp: request.headers.get('svix-timestamp'),
        signature: request.headers.get('svix-signature'),
      },
      clock(),
    );
    return text(result.status, result.message);
  } catch (error) {
    console.error('resend webhook failed; Resend will deliver it again', error);
    return text(503, 'The event could not be handled now. Resend will deliver it again.');
  }
};
