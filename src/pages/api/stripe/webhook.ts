/**
 * Stripe's webhook endpoint. The signature is the authentication (the CSRF check lets this path
 * through); every event id is handled once; a failure reading from Stripe answers 503 so Stripe
 * delivers the event again.
 */
import type { APIRoute } from 'astro';
import { handleWebhook } from '../../../lib/coaching/billing.server';

export const prerender = false;

/** Stripe's events are a few kilobytes; anything far larger is not from Stripe. */
const MAX_PAYLOAD_BYTES = 256 * 1024;

const text = (status: number, message: string) =>
  new Response(message, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  });

export const POST: APIRoute = async ({ request, locals }) => {
  const { payments } = locals.app;
  if (!payments) return text(404, 'Payments are switched off on this site.');
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_PAYLOAD_BYTES) return text(413, 'The payload is too large for a Stripe event.');
  const payload = await request.text();
  if (payload.length > MAX_PAYLOAD_BYTES) return text(413, 'The payload is too large for a Stripe event.');
  try {
    const result = await handleWebhook(payments, payload, request.headers.get('stripe-signature'));
    return text(result.status, result.message);
  } catch (error) {
    console.error('stripe webhook failed; Stripe will deliver it again', error);
    return text(503, 'The event could not be handled now. Stripe will deliver it again.');
  }
};
