/**
 * Runs the fake Stripe (./stripe.ts) on its own, for Playwright's webServer. Reads FAKE_STRIPE_PORT
 * (default 4399), STRIPE_WEBHOOK_SECRET and FAKE_STRIPE_WEBHOOK_URL (both required), and
 * STRIPE_SECRET_KEY if set (else the fake's default key). Stays up until SIGTERM or SIGINT.
 */
import { startFakeStripe } from './stripe.ts';

const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
const webhookUrl = process.env.FAKE_STRIPE_WEBHOOK_URL;
if (!webhookSecret || !webhookUrl) {
  console.error('fake stripe: STRIPE_WEBHOOK_SECRET and FAKE_STRIPE_WEBHOOK_URL are required');
  process.exit(1);
}

const fake = await startFakeStripe({
  webhookSecret,
  webhookUrl,
  port: Number(process.env.FAKE_STRIPE_PORT || 4399),
  secretKey: process.env.STRIPE_SECRET_KEY || undefined,
});
console.log(`fake stripe listening on ${fake.url}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void fake.close().then(() => process.exit(0)));
}
