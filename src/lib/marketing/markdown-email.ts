/**
 * The coach's emails (broadcasts and sequence steps) are written in Markdown and rendered here to
 * the HTML that goes inside the site's email layout: headings, paragraphs, emphasis, lists, quotes
 * and links, each with the layout's inline styles, since email clients ignore stylesheets.
 *
 * Raw HTML is never passed through: micromark escapes it, and markdownProblems refuses a body that
 * holds a tag, an image, or a link that is not http(s) or mailto, with a message that says which,
 * so the coach is told rather than surprised. Links to this site get the campaign's UTM
 * parameters. Pure (decision 0017).
 */
import { micromark } from 'micromark';
import type { CSSProperties } from 'react';
import { emailStyles } from '../email/templates/email-styles';
import { withUtm, type CampaignSource } from './campaigns';

const OPTIONS = {
  allowDangerousProtocol: true, // so markdownProblems sees such a link; renderEmailMarkdown drops it
  extensions: [{ disable: { null: ['codeIndented', 'htmlFlow', 'htmlText', 'labelStartImage'] } }],
};

export const MAX_EMAIL_MARKDOWN_LENGTH = 20_000;

const TAG = /<\/?[a-z][a-z0-9-]*(?:\s[^>]*)?\/?>|<!--/i;
const IMAGE = /!\[[^\]]*\]\(/;
const LINK = /<a href="([^"]*)"(?: title="[^"]*")?>([\s\S]*?)<\/a>/g;
const ALLOWED_HREF = /^(https?:\/\/[^\s/]|mailto:)/i;

const decode = (value: string) =>
  value
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&#x27;', "'")
    .replaceAll('&amp;', '&');

/** What is wrong with a body, in words for the coach, or undefined when it can be sent. */
export function markdownProblems(markdown: string): string | undefined {
  if (markdown.trim() === '') return 'Write the email before sending it.';
  if (markdown.length > MAX_EMAIL_MARKDOWN_LENGTH) {
    return `Keep the email under ${MAX_EMAIL_MARKDOWN_LENGTH.toLocaleString('en')} characters.`;
  }
  const tag = TAG.exec(markdown);
  if (tag) return `Write the email in Markdown: HTML such as ${tag[0].slice(0, 40)} is not sent.`;
  if (IMAGE.test(markdown)) return 'Images are not sent in these emails: link to the page that shows it instead.';
  for (const [, href] of micromark(normalise(markdown), OPTIONS).matchAll(LINK)) {
    const target = decode(href!);
    if (!ALLOWED_HREF.test(target)) {
      return `Links must start with https://, http:// or mailto: (not ${JSON.stringify(target.slice(0, 60))}).`;
    }
  }
  return undefined;
}

const normalise = (markdown: string) => markdown.replace(/\r\n?/g, '\n');

/** An inline style attribute from the layout's style objects. */
function styleOf(style: CSSProperties): string {
  return Object.entries(style)
    .map(([name, value]) => `${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:${String(value)}`)
    .join(';');
}

const STYLED: Record<string, CSSProperties> = {
  p: emailStyles.paragraph,
  h1: emailStyles.h1,
  h2: emailStyles.h2,
  h3: { ...emailStyles.h2, fontSize: '17px' },
  h4: { ...emailStyles.h2, fontSize: '16px' },
  h5: { ...emailStyles.h2, fontSize: '16px' },
  h6: { ...emailStyles.h2, fontSize: '16px' },
  ul: emailStyles.list,
  ol: emailStyles.list,
  li: emailStyles.listItem,
  blockquote: { ...emailStyles.sample, margin: '0 0 16px' },
  code: { fontFamily: 'Menlo, Consolas, monospace', fontSize: '14px' },
  pre: { ...emailStyles.sample, margin: '0 0 16px', whiteSpace: 'pre-wrap' },
};

export interface EmailMarkdownOptions {
  siteUrl: string;
  campaign: string;
  source: CampaignSource;
}

/**
 * The body's HTML for the email layout. A link to anything but http(s) or mailto keeps only its
 * text (markdownProblems refuses such a body before it is saved for sending; this is the
 * second line).
 */
export function renderEmailMarkdown(markdown: string, { siteUrl, campaign, source }: EmailMarkdownOptions): string {
  const html = micromark(normalise(markdown), OPTIONS)
    .replace(LINK, (_link, href: string, text: string) => {
      const target = decode(href);
      if (!ALLOWED_HREF.test(target)) return text;
      const tagged = withUtm(target, siteUrl, campaign, source).replaceAll('&', '&amp;').replaceAll('"', '&quot;');
      return `<a href="${tagged}" style="${styleOf(emailStyles.link)}">${text}</a>`;
    })
    .replace(
      /<(p|h[1-6]|ul|ol|li|blockquote|pre)>/g,
      (_tag, name: string) => `<${name} style="${styleOf(STYLED[name]!)}">`,
    )
    .replace(/<code>/g, `<code style="${styleOf(STYLED['code']!)}">`);
  return html.trim();
}
