/**
 * The confirmation a page shows after a post/redirect/get: the redirect carries `?saved=<key>`,
 * and the page says the sentence of that key. Pure.
 */

/** The message for `key` among a page's own messages, or undefined (no key, or one it does not know). */
export function savedMessage(messages: Readonly<Record<string, string>>, key: string | null | undefined) {
  return key && Object.hasOwn(messages, key) ? messages[key] : undefined;
}
