/** Rules for the account forms, shared by the Actions and the pages. Pure. */
import { z } from 'astro/zod';
import { isPlausibleEmail, MAX_EMAIL_LENGTH, normalizeEmail } from '../forms/email-address';
import { checkbox, isSingleLine, singleLineText } from '../forms/fields';
import { chosenTimeZone } from '../time/time-zones';
import { isCampaign } from '../marketing/campaigns';

export const MIN_PASSWORD = 10;
export const MAX_PASSWORD = 200;

export const emailField = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .min(1, 'Enter your email address.')
  .max(MAX_EMAIL_LENGTH, 'That address is too long to be real.')
  .transform(normalizeEmail)
  .refine(isPlausibleEmail, 'That does not look like an email address: check for a typo.');

export const newPasswordField = z
  .string({ error: 'Choose a password.' })
  .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters: a short phrase is easy to remember and hard to guess.`)
  .max(MAX_PASSWORD, `Use at most ${MAX_PASSWORD} characters.`)
  .refine(isSingleLine, 'A password cannot contain line breaks, tabs or control characters.');

/** A zone from the list, by its current or its old name (`Asia/Calcutta`), stored by its current one. */
export const timeZoneField = z
  .string()
  .trim()
  .refine((zone) => chosenTimeZone(zone) !== undefined, 'Choose a time zone from the list.')
  .transform((zone) => chosenTimeZone(zone) ?? zone);

export const MAX_NAME_LENGTH = 80;
export const nameField = singleLineText({
  max: MAX_NAME_LENGTH,
  tooLong: `Use at most ${MAX_NAME_LENGTH} characters.`,
});

const required = (message: string) => z.string({ error: message }).min(1, message);

export const signUpSchema = z
  .object({
    name: nameField.nullish().transform((value) => value ?? ''),
    email: emailField,
    password: newPasswordField,
    timeZone: timeZoneField.nullish().transform((value) => value || 'UTC'),
    // The `utm_campaign` of the page the form was on. Not the visitor's to fix: anything but one of
    // our emails' campaigns is dropped rather than refused.
    campaign: z
      .string()
      .nullish()
      .transform((value) => (isCampaign(value) ? value : undefined)),
  })
  .refine((input) => input.password.toLowerCase() !== input.email, {
    message: 'Your password cannot be your email address.',
    path: ['password'],
  });

export const signInSchema = z.object({
  email: emailField,
  password: required('Enter your password.').max(MAX_PASSWORD, 'That password is longer than any we accept.'),
  next: z.string().max(500).nullish(),
});

export const emailOnlySchema = z.object({ email: emailField });

export const resetSchema = z
  .object({
    token: singleLineText({ max: 100, missing: 'This reset link is incomplete.' }),
    password: newPasswordField,
    confirm: z.string().max(MAX_PASSWORD).nullish(),
  })
  .refine((input) => input.password === input.confirm, {
    message: 'The two passwords do not match.',
    path: ['confirm'],
  });

/**
 * A country or region code as the selects send it; none (null) for the empty choice, which the
 * form sends as nothing. Whether the library knows the code is checked on the server
 * (`resolveHolidayPlace`), which holds the lists.
 */
const placeCodeField = (pattern: RegExp, message: string) =>
  z
    .string()
    .trim()
    .max(10, message)
    .refine((code) => code === '' || pattern.test(code), message)
    .nullish()
    .transform((code) => (code ? code.toUpperCase() : null));

export const COUNTRY_ERROR = 'Choose a country from the list, or none.';
export const REGION_ERROR = 'Choose a region of your country from the list, or the whole country.';

export const profileSchema = z.object({
  name: nameField.nullish().transform((value) => value ?? ''),
  timeZone: timeZoneField,
  country: placeCodeField(/^[A-Za-z]{2}$/, COUNTRY_ERROR),
  region: placeCodeField(/^[A-Za-z0-9]{1,6}$/, REGION_ERROR),
  emailReminders: checkbox(),
  emailReplies: checkbox(),
  /** The coach's newsletter. */
  emailCoach: checkbox(),
  /** The cheat-sheet series (the sequence's emails after the cheat sheet). */
  emailSequence: checkbox(),
});

export const changePasswordSchema = z
  .object({
    current: required('Enter your current password.').max(MAX_PASSWORD),
    password: newPasswordField,
    confirm: z.string().max(MAX_PASSWORD).nullish(),
  })
  .refine((input) => input.password === input.confirm, {
    message: 'The two new passwords do not match.',
    path: ['confirm'],
  });

export const deleteAccountSchema = z.object({
  password: required('Enter your password to confirm.').max(MAX_PASSWORD),
  confirmText: z
    .string()
    .nullish()
    .refine((value) => value?.trim().toUpperCase() === 'DELETE', 'Type DELETE to confirm.'),
});

export const sessionIdSchema = z.object({ sessionId: z.string().regex(/^[a-z2-7]{1,64}$/, 'Unknown session.') });

/** Any fixed origin will do: a return path is read against it and must stay on it. */
const RETURN_BASE = new URL('https://return-path.invalid');

/**
 * Where to go after signing in: only a path on this site, as the URL parser serialises it, so that
 * what the browser follows is what was checked. Anything else (another origin, a protocol-relative
 * `//host`, a backslash, a control character, or a path that normalises into `//host`, as
 * `/.//host`, `/%2e//host` and `/a/..//host` do) falls back to the account page.
 */
export function safeReturnPath(next: string | null | undefined, fallback = '/account'): string {
  if (!next || next.length > 500 || !next.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, RETURN_BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== RETURN_BASE.origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  // Removing dot segments can leave `//host` at the start, which a browser reads as another host.
  return path.startsWith('//') ? fallback : path;
}
