import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marketingEmail } from '../../src/lib/email/messages.server';
import { campaignKind, campaignOf, isCampaign, withUtm } from '../../src/lib/marketing/campaigns';
import { markdownProblems, renderEmailMarkdown } from '../../src/lib/marketing/markdown-email';
import { personalise, UNSUBSCRIBE_PLACEHOLDER } from '../../src/lib/marketing/personalise';
import { XSS_PAYLOADS } from '../fixtures/xss-payloads';

const SITE = 'https://ownthefollowup.example';
const render = (markdown: string) =>
  renderEmailMarkdown(markdown, { siteUrl: SITE, campaign: 'b-abc123', source: 'newsletter' });

describe('campaign names', () => {
  it('name a broadcast or a step, and nothing else passes for one', () => {
    expect(campaignOf.broadcast('abc_1-Z')).toBe('b-abc_1-Z');
    expect(campaignKind(campaignOf.step('cheat-sheet'))).toEqual({ kind: 'step', id: 'cheat-sheet' });
    for (const other of ['', 'b-', 'spring-sale', 'b-<script>', 'x-abc', `b-${'a'.repeat(65)}`, 'b-a b'])
      expect(isCampaign(other), other).toBe(false);
  });

  it('tag links to this site only, replacing parameters already there', () => {
    expect(withUtm(`${SITE}/articles/x?utm_source=old#top`, SITE, 'b-1', 'newsletter')).toBe(
      `${SITE}/articles/x?utm_source=newsletter&utm_medium=email&utm_campaign=b-1#top`,
    );
    expect(withUtm('https://example.org/page', SITE, 'b-1', 'newsletter')).toBe('https://example.org/page');
    expect(withUtm('mailto:coach@example.com', SITE, 'b-1', 'newsletter')).toBe('mailto:coach@example.com');
    expect(withUtm('not a url', SITE, 'b-1', 'newsletter')).toBe('not a url');
  });
});

describe('the Markdown of a coach’s email', () => {
  it('renders headings, emphasis, lists, quotes and links with the layout’s inline styles', () => {
    const html = render(
      '## Follow up on Friday\n\nSend **one** short note.\n\n- thank them\n- name one detail\n\n> Hi Dana,\n\nRead [the guide](https://ownthefollowup.example/articles/x).',
    );
    expect(html).toContain('<h2 style="color:#1d2327;');
    expect(html).toContain('<strong>one</strong>');
    expect(html).toMatch(/<ul style="[^"]*padding-left:22px/);
    expect(html).toMatch(/<li style="margin:0 0 8px">thank them<\/li>/);
    expect(html).toMatch(/<blockquote style="[^"]+">/);
    expect(html).toContain(
      'href="https://ownthefollowup.example/articles/x?utm_source=newsletter&amp;utm_medium=email&amp;utm_campaign=b-abc123"',
    );
  });

  it('is refused, with a message that says why, for HTML, images and links that are not web or mail addresses', () => {
    expect(markdownProblems('')).toMatch(/Write the email/);
    expect(markdownProblems('   \n ')).toMatch(/Write the email/);
    expect(markdownProblems('Hi <script>alert(1)</script>')).toMatch(/HTML such as <script>/);
    expect(markdownProblems('<img src=x onerror=alert(1)>')).toMatch(/HTML such as <img/);
    expect(markdownProblems('<!-- hidden -->')).toMatch(/HTML/);
    expect(markdownProblems('[click](javascript:alert(1))')).toMatch(/Links must start with .*javascript:alert\(1\)/);
    expect(markdownProblems('[click](JaVaScRiPt:alert(1))')).toMatch(/Links must start with/);
    expect(markdownProblems('[data](data:text/html;base64,PHNjcmlwdD4=)')).toMatch(/Links must start with/);
    expect(markdownProblems('[relative](/articles/x)')).toMatch(/Links must start with/);
    expect(markdownProblems('![chart](https://example.org/chart.png)')).toMatch(/Images are not sent/);
    expect(markdownProblems('x'.repeat(20_001))).toMatch(/under 20,000 characters/);
    expect(markdownProblems('Fine: [site](https://example.org) and [me](mailto:coach@example.com). 3 < 4.')).toBe(
      undefined,
    );
  });

  it('never lets a tag, a script address or an event handler through, whatever is typed', () => {
    const hostile = fc.oneof(
      fc.constantFrom(...XSS_PAYLOADS),
      fc.string(),
      fc.constantFrom('[x](javascript:alert(1))', '<a href="javascript:x">x</a>', '[x](vbscript:y)'),
    );
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 5 }), (parts) => {
        const html = render(parts.join('\n\n'));
        const tags = [...html.matchAll(/<([a-z0-9]+)\b/gi)].map((m) => m[1]!.toLowerCase());
        for (const tag of tags)
          expect([
            'p',
            'h1',
            'h2',
            'h3',
            'h4',
            'h5',
            'h6',
            'ul',
            'ol',
            'li',
            'blockquote',
            'pre',
            'code',
            'a',
            'strong',
            'em',
            'br',
          ]).toContain(tag);
        expect(html).not.toMatch(/href="(?!https?:\/\/|mailto:)/i);
        expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
      }),
      { numRuns: 300 },
    );
  });
});

describe('one rendering, personalised per recipient', () => {
  it('puts each recipient’s unsubscribe link where the placeholder was, escaped in the HTML', async () => {
    const content = await marketingEmail({
      siteUrl: SITE,
      subject: 'Three follow-ups worth sending this week',
      preview: '',
      bodyMarkdown: 'Hello!\n\nRead [this](https://ownthefollowup.example/articles/x).',
      campaign: 'b-abc123',
      source: 'newsletter',
      reason: 'You get this because you asked for the coach’s newsletter.',
      sender: { postalAddress: '12 Harbour Street\nLeith EH6 6QH', footerNote: 'Written by Casey.' },
    });
    expect(content.html).toContain(UNSUBSCRIBE_PLACEHOLDER);
    expect(content.text).toContain(UNSUBSCRIBE_PLACEHOLDER);
    expect(content.html).toContain('12 Harbour Street');
    expect(content.text).toContain('Written by Casey.');
    expect(content.text).toContain('utm_campaign=b-abc123');

    const url = `${SITE}/unsubscribe?token=a.b&x="y"`;
    const mine = personalise(content, url);
    expect(mine.html).not.toContain(UNSUBSCRIBE_PLACEHOLDER);
    expect(mine.html).toContain('href="https://ownthefollowup.example/unsubscribe?token=a.b&amp;x=&quot;y&quot;"');
    expect(mine.text).toContain(url);
  });
});
