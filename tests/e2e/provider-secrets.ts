/**
 * The signing secret the server under test verifies Resend's webhooks with, shared by the config and
 * the journeys: Svix's `whsec_` and base64, made from words so nobody takes it for a real key.
 */
export const E2E_RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from('the e2e journeys’ Resend webhook key').toString('base64')}`;
