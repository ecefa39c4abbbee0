/**
 * Comment text: a small, safe Markdown (emphasis, links, lists, quotes, inline and fenced code)
 * rendered to HTML that cannot run script. micromark escapes every character of raw HTML, so
 * nothing a member types becomes a tag; headings, images, rules, reference definitions and raw
 * HTML are switched off; links keep only http, https and mailto addresses and open as
 * user-generated content. Pure.
 */
import { micromark } from 'micromark';

const OPTIONS = {
  extensions: [
    {
      disable: {
        null: [
          'autolink',
          'codeIndented',
          'definition',
          'headingAtx',
          'htmlFlow',
          'htmlText',
          'labelStartImage',
          'setextUnderline',
          'thematicBreak',
        ],
      },
    },
  ],
};

export const MAX_COMMENT_LENGTH = 5000;
export const MAX_COMMENT_LINKS = 3;

/** Links as micromark writes them (it escapes attribute values, and links never nest). */
const LINK = /<a href="([^"]*)"(?: title="[^"]*")?>([\s\S]*?)<\/a>/g;
const ALLOWED_HREF = /^(https?:\/\/|mailto:)/i;

/**
 * Safe HTML for a comment. A link to anything but an http(s) or mailto address (a relative path,
 * another scheme, or one micromark refused and left empty) keeps only its text.
 */
export function renderComment(markdown: string): string {
  const html = micromark(markdown.replace(/\r\n?/g, '\n'), OPTIONS);
  return html.replace(LINK, (_link, href: string, text: string) =>
    ALLOWED_HREF.test(href) ? `<a href="${href}" rel="nofollow ugc noopener noreferrer">${text}</a>` : text,
  );
}

/** How many links the rendered comment holds: what the per-comment link limit counts. */
export function countLinks(markdown: string): number {
  const html = renderComment(markdown);
  const anchors = html.match(/<a href=/g)?.length ?? 0;
  // Bare addresses are not links here, but they still count: spam is mostly addresses.
  const bare = markdown.match(/\bhttps?:\/\/|\bwww\./gi)?.length ?? 0;
  return Math.max(anchors, bare);
}

/** Plain text of a comment, for email and previews: tags dropped, entities decoded. */
export function commentText(html: string): string {
  return html
    .replace(/<\/(p|li|blockquote|pre)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A short preview of a comment for lists of them: one line per paragraph and per list item (an item marked
 * with its number or a bullet), spaces inside a line collapsed, cut at `max` characters with an
 * ellipsis. Shown with `white-space: pre-line`, so list items do not run into one line.
 */
export function commentExcerpt(html: string, max = 220): string {
  const numbered = html.replace(
    /<ol(?: start="(\d+)")?>([\s\S]*?)<\/ol>/g,
    (_list, start: string | undefined, items: string) => {
      let n = Number(start ?? 1) - 1;
      return items.replace(/<li>/g, () => `<li data-number>${++n}. `);
    },
  );
  const text = commentText(numbered.replace(/<li>/g, '<li>• '))
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
  return text.length > max ? `${text.slice(0, max - 3).trimEnd()}…` : text;
}
