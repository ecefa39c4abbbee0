/** The signing secret the server under test verifies Resend's webhooks with, shared by the config and the journeys. */
export const E2E_RESEND_WEBHOOK_SECRET = 'whsec_ZTJlLW5ld3NsZXR0ZXItd2ViaG9vay1zZWNyZXQ=';
