/**
 * Who a broadcast goes to: everyone on the list, the readers who asked for the cheat sheet, members
 * only, or Coaching members, narrowed to the
 * people who came from one article (or from any article with a tag) and who signed up between two
 * dates. Stored as JSON on the broadcast and read back through `audienceSchema`, so a stored value
 * from an older shape is read as "everyone" rather than trusted. Pure.
 */
import { z } from 'astro/zod';
import { isDateInRange } from '../forms/fields';

export const AUDIENCE_KINDS = ['everyone', 'leads', 'members', 'coaching'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

export const AUDIENCE_KIND_LABELS: Record<AudienceKind, string> = {
  everyone: 'Everyone on your list: readers who asked for the cheat sheet, and members',
  leads: 'Readers who asked for the cheat sheet (confirmed), members among them or not',
  members: 'Members (people with an account)',
  coaching: 'Coaching members (paying now)',
};

const SLUG = /^[a-z0-9][a-z0-9-]{0,99}$/;
const TAG = /^[^\u0000-\u001f\u007f]{1,60}$/;

const narrowing = {
  /** The article they asked for the cheat sheet from (members: through their cheat-sheet request). */
  article: z.string().regex(SLUG, 'Choose an article from the list.').optional(),
  /** Any article with this tag. */
  tag: z.string().regex(TAG, 'Choose a tag from the list.').optional(),
  /** Signed up on or after this day (`YYYY-MM-DD`, the coach's time zone). */
  from: z.string().refine(isDateInRange, 'Use a real date, like 2026-12-03.').optional(),
  /** Signed up on or before this day. */
  to: z.string().refine(isDateInRange, 'Use a real date, like 2026-12-03.').optional(),
};

export const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('everyone'), ...narrowing }),
  z.object({ kind: z.literal('leads'), ...narrowing }),
  z.object({ kind: z.literal('members'), ...narrowing }),
  z.object({ kind: z.literal('coaching'), ...narrowing }),
]);
export type Audience = z.infer<typeof audienceSchema>;

export const EVERYONE: Audience = { kind: 'everyone' };

/** A stored audience, or everyone when it cannot be read. */
export function readAudience(value: unknown): Audience {
  const parsed = audienceSchema.safeParse(value);
  return parsed.success ? parsed.data : EVERYONE;
}

/** The fields of the editor's audience picker, as a form sends them. */
export interface AudienceFields {
  audienceKind?: string | undefined;
  audienceArticle?: string | undefined;
  audienceTag?: string | undefined;
  audienceFrom?: string | undefined;
  audienceTo?: string | undefined;
}

/** An audience from the picker's fields, or the field messages that say what is wrong. */
export function audienceFromFields(
  fields: AudienceFields,
): { ok: true; audience: Audience } | { ok: false; problems: Record<string, string> } {
  const given = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const candidate = {
    kind: given(fields.audienceKind) ?? 'everyone',
    article: given(fields.audienceArticle),
    tag: given(fields.audienceTag),
    from: given(fields.audienceFrom),
    to: given(fields.audienceTo),
  };
  const parsed = audienceSchema.safeParse(Object.fromEntries(Object.entries(candidate).filter(([, v]) => v)));
  const problems: Record<string, string> = {};
  if (!parsed.success) {
    const field: Record<string, string> = {
      kind: 'audienceKind',
      article: 'audienceArticle',
      tag: 'audienceTag',
      from: 'audienceFrom',
      to: 'audienceTo',
    };
    for (const issue of parsed.error.issues) {
      const name = field[String(issue.path[0])] ?? 'audienceKind';
      problems[name] ??= name === 'audienceKind' ? 'Choose who gets this email.' : issue.message;
    }
    return { ok: false, problems };
  }
  const audience = parsed.data;
  if (audience.article && audience.tag) problems['audienceTag'] = 'Choose an article or a tag, not both.';
  if (audience.from && audience.to && audience.from > audience.to)
    problems['audienceTo'] = 'The last day comes before the first: swap them.';
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, audience };
}

/** The audience in words: "Members who came from “Title”, signed up 2026-11-01 to 2026-11-30". */
export function describeAudience(audience: Audience, titleOf: (slug: string) => string = (slug) => slug): string {
  const who = {
    everyone: 'Everyone on your list',
    leads: 'Readers who asked for the cheat sheet',
    members: 'Members',
    coaching: 'Coaching members',
  }[audience.kind];
  const parts = [who];
  if (audience.article) parts.push(`who came from “${titleOf(audience.article)}”`);
  if (audience.tag) parts.push(`who came from an article tagged “${audience.tag}”`);
  if (audience.from && audience.to) parts.push(`signed up ${audience.from} to ${audience.to}`);
  else if (audience.from) parts.push(`signed up on or after ${audience.from}`);
  else if (audience.to) parts.push(`signed up on or before ${audience.to}`);
  return parts.join(', ');
}
