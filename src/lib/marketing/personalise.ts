/**
 * A broadcast or a sequence step is rendered once, with a placeholder where each recipient's
 * unsubscribe link goes; the placeholder is replaced per recipient when the message is composed
 * for sending (and in the local mail viewer). Pure.
 */

/** URL-safe, so it survives Markdown, React and HTML escaping as it is. */
export const UNSUBSCRIBE_PLACEHOLDER = 'https://unsubscribe.invalid/__OTFU_UNSUBSCRIBE__';

const escapeAttribute = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The HTML and text of one recipient's copy. */
export function personalise(
  content: { html: string; text: string },
  unsubscribeUrl: string,
): { html: string; text: string } {
  return {
    html: content.html.replaceAll(UNSUBSCRIBE_PLACEHOLDER, escapeAttribute(unsubscribeUrl)),
    text: content.text.replaceAll(UNSUBSCRIBE_PLACEHOLDER, unsubscribeUrl),
  };
}
