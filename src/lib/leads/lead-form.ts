/**
 * The cheat-sheet capture form's rules, shared by the Action (validation) and the form
 * component (limits shown to the reader). Pure.
 */
import { z } from 'astro/zod';
import { isDisposableEmail, isPlausibleEmail, MAX_EMAIL_LENGTH, normalizeEmail } from '../forms/email-address';
import { isSingleLine, singleLineText } from '../forms/fields';

const optionalText = (max: number) =>
  singleLineText({ max })
    .nullish()
    .transform((value) => (value ? value : undefined));

export const captureSchema = z.object({
  email: z
    .string({ error: 'Enter your email address.' })
    .trim()
    .min(1, 'Enter your email address.')
    .max(MAX_EMAIL_LENGTH, 'That address is too long to be real: check it and try again.')
    .transform(normalizeEmail)
    .refine(isPlausibleEmail, 'That does not look like an email address: check for a typo.')
    .refine(
      (email) => !isDisposableEmail(email),
      'Use an inbox you will read: throwaway addresses cannot receive the sheet.',
    ),
  // Form fields that were not sent arrive as null.
  consent: z
    .string()
    .nullish()
    .refine((value) => value === 'on', 'Tick the box to agree to receive the cheat sheet and the tips by email.'),
  /** Left empty by people; bots that fill every field are answered as if all went well. */
  website: z.string().max(500).nullish(),
  sourcePath: optionalText(300),
  sourceArticle: optionalText(120),
  utmSource: optionalText(100),
  utmMedium: optionalText(100),
  utmCampaign: optionalText(100),
});

export type CaptureForm = z.infer<typeof captureSchema>;

/** UTM parameters from a URL (the landing page's, or the Referer of a form posted from an article). */
export function utmFrom(url: string | null | undefined): {
  utmSource?: string;
  utmMedium?: string;
  utmCampaign?: string;
} {
  if (!url) return {};
  try {
    const params = new URL(url).searchParams;
    // A Referer is not checked by the form's schema: a value it could not take is left out.
    const pick = (name: string) => {
      const value = params.get(name)?.trim().slice(0, 100);
      return value && isSingleLine(value) ? value : undefined;
    };
    const result: { utmSource?: string; utmMedium?: string; utmCampaign?: string } = {};
    const source = pick('utm_source');
    const medium = pick('utm_medium');
    const campaign = pick('utm_campaign');
    if (source) result.utmSource = source;
    if (medium) result.utmMedium = medium;
    if (campaign) result.utmCampaign = campaign;
    return result;
  } catch {
    return {};
  }
}
