/**
 * Requests for server islands (`/_server-islands/<name>`), which Astro answers itself: what it
 * would turn into a server error, and the props each island must have. Pure.
 *
 * A page asks for an island with its props encrypted by the build's key (`p`), so only this site
 * can write them, but anyone can leave them out, send them to another island or send a body that
 * is not the JSON object the island loader sends. Each is a 4xx with a message, never a 500.
 */
import { z } from 'astro/zod';

export const SERVER_ISLANDS_PATH = '/_server-islands/';

export const ISLAND_REFUSED_MESSAGE =
  'This part of the page could not be loaded: the request for it was not one this site made. Reload the page.';

const MESSAGES: Record<number, string> = {
  404: 'There is no such part of a page here.',
  405: 'Parts of a page are loaded with GET or POST only.',
  413: 'What you sent is larger than this site accepts (1 MB).',
};

/** The message for an island request Astro refused without one. */
export function islandRefusalMessage(status: number): string {
  return MESSAGES[status] ?? ISLAND_REFUSED_MESSAGE;
}

/**
 * Why a POSTed island body is refused before Astro reads it, or null. Astro reads `null` (valid
 * JSON) as an object and throws; the loader only ever sends an object of strings.
 */
export function islandBodyProblem(body: string): string | null {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    return null; // Astro answers malformed JSON with a 400 itself.
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ISLAND_REFUSED_MESSAGE;
  const fields = ['encryptedComponentExport', 'encryptedProps', 'encryptedSlots'] as const;
  const values = data as Record<string, unknown>;
  return fields.every((field) => typeof values[field] === 'string') ? null : ISLAND_REFUSED_MESSAGE;
}

/** An island asked for without the props its page gave it: answered 400 by the middleware. */
export class IslandPropsError extends Error {
  constructor() {
    super(ISLAND_REFUSED_MESSAGE);
    this.name = 'IslandPropsError';
  }
}

/**
 * An island's props, checked: a request without them (an empty `p`) reaches the island with none
 * at all, and would otherwise run its queries with `undefined`.
 */
export function islandProps<T extends z.ZodType>(props: unknown, schema: T): z.output<T> {
  const parsed = schema.safeParse(props);
  if (!parsed.success) throw new IslandPropsError();
  return parsed.data;
}

/** The props of the islands that show one article's comments, count or paid part. */
export const articleIslandProps = z.object({ slug: z.string().min(1).max(200) });
