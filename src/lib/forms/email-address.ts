/**
 * Email addresses as people type them. Pure: used by the capture form's schema on the server
 * and safe to import anywhere.
 */

/** Throwaway-inbox services: a cheat sheet sent there reaches nobody. */
const DISPOSABLE_DOMAINS = new Set([
  '10minutemail.com',
  'dispostable.com',
  'fakeinbox.com',
  'getnada.com',
  'guerrillamail.com',
  'guerrillamail.net',
  'mailinator.com',
  'maildrop.cc',
  'mailnesia.com',
  'mintemail.com',
  'sharklasers.com',
  'spamgourmet.com',
  'temp-mail.org',
  'tempmail.com',
  'tempmailo.com',
  'throwawaymail.com',
  'trashmail.com',
  'yopmail.com',
]);

export const MAX_EMAIL_LENGTH = 254;

/** Trimmed and lower-cased: one person, one address, however they type it. */
export function normalizeEmail(input: string): string {
  return input.trim().toLowerCase();
}

export function isDisposableEmail(email: string): boolean {
  const domain = normalizeEmail(email).split('@').pop() ?? '';
  return [...DISPOSABLE_DOMAINS].some((listed) => domain === listed || domain.endsWith(`.${listed}`));
}

/**
 * A practical check, stricter than the RFC where real inboxes are concerned: one @, a local
 * part without spaces or control characters (C0, DEL, C1), and a domain with a dot and a
 * plausible ending.
 */
export function isPlausibleEmail(email: string): boolean {
  if (email.length > MAX_EMAIL_LENGTH) return false;
  return /^[^\s@"<>()[\]\\,;:\u0000-\u001f\u007f-\u009f]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$/i.test(
    email,
  );
}
