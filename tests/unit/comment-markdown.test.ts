/**
 * The comment renderer against well-known XSS payloads: whatever a member types, the HTML holds
 * only a small set of tags, no event handlers, and links to http, https or mailto addresses that
 * open as user-generated content. Plus what Markdown should still do, and the link count.
 */
import { describe, expect, it } from 'vitest';
import {
  commentExcerpt,
  countLinks,
  MAX_COMMENT_LENGTH,
  MAX_COMMENT_LINKS,
  renderComment,
} from '../../src/lib/comments/markdown';
import { problemsIn, XSS_PAYLOADS } from '../fixtures/xss-payloads';

const REL = 'nofollow ugc noopener noreferrer';

describe('renderComment against XSS payloads', () => {
  it('uses a checker that finds what it looks for', () => {
    expect(problemsIn('<p>fine <a href="https://a.b" rel="nofollow ugc noopener noreferrer">a</a></p>')).toEqual([]);
    expect(problemsIn('<script>alert(1)</script>')).toContain('contains <script');
    expect(problemsIn('<p onclick="x">a</p>')).toContain('<p> has an event handler onclick');
    expect(problemsIn('<P/ONMOUSEOVER=x>a</P>')).toContain('<p> has an event handler onmouseover');
    expect(problemsIn('<div>a</div>')).toContain('tag <div> is not allowed');
    expect(problemsIn('<p class="x">a</p>')).toContain('<p> has an attribute class');
    expect(problemsIn('<a href="javascript:x" rel="nofollow ugc noopener noreferrer">a</a>')).toContain(
      'link to "javascript:x" is not http(s) or mailto',
    );
    expect(problemsIn('<a href="https://a.b">a</a>')).toContain('link without rel="nofollow ugc noopener noreferrer"');
    expect(problemsIn('<p>a <b</p>')).toContain('has a "<" that is not a tag');
  });

  it('has a list of 30 to 50 payloads with distinct names', () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(30);
    expect(XSS_PAYLOADS.length).toBeLessThanOrEqual(50);
    expect(new Set(XSS_PAYLOADS.map((payload) => payload.name)).size).toBe(XSS_PAYLOADS.length);
  });

  it.each(XSS_PAYLOADS.map((payload) => [payload.name, payload.body] as const))('%s: renders inert', (_name, body) => {
    const html = renderComment(body);
    expect(problemsIn(html), html).toEqual([]);
    // Rendering is stable, and rendering the result again (an import of exported HTML) is safe too.
    expect(renderComment(body)).toBe(html);
    expect(problemsIn(renderComment(html))).toEqual([]);
  });

  it('keeps the words of a payload as visible text', () => {
    expect(renderComment('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(renderComment('<img src=x onerror=alert(1)>')).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderComment('[click me](javascript:alert(1))')).toBe('<p>click me</p>');
    expect(renderComment('[click me](vbscript:msgbox(1))')).toBe('<p>click me</p>');
  });

  it('drops the title of a link, whatever it holds', () => {
    const html = renderComment('[x](https://a.b "onmouseover=alert(1)")');
    expect(html).toBe(`<p><a href="https://a.b" rel="${REL}">x</a></p>`);
    expect(html).not.toContain('title');
  });

  it('keeps only the text of a refused link, with or without a title', () => {
    expect(renderComment('[click me](javascript:alert(1))')).toBe('<p>click me</p>');
    expect(renderComment('[click me](javascript:alert(1) "title")')).toBe('<p>click me</p>');
  });

  it.each([
    ['a relative path', '[x](/coach/comments)'],
    ['a protocol-relative address', '[x](//evil.example/phish)'],
    ['an irc: address', '[x](irc://irc.evil.example/chan)'],
    ['an xmpp: address', '[x](xmpp:bot@evil.example)'],
  ])('keeps only http, https and mailto links, as documented: refuses %s', (_name, body) => {
    expect(renderComment(body)).toBe('<p>x</p>');
  });

  it('neutralises CR and CRLF line endings like LF', () => {
    expect(renderComment('one\r\n\r\n<script>x</script>')).toBe(renderComment('one\n\n<script>x</script>'));
    expect(renderComment('one\r\r<b>x</b>')).toBe(renderComment('one\n\n<b>x</b>'));
  });
});

describe('renderComment: what members may write', () => {
  it('renders emphasis and strong text', () => {
    expect(renderComment('*soft* and _also_ and **loud**')).toBe(
      '<p><em>soft</em> and <em>also</em> and <strong>loud</strong></p>',
    );
  });

  it('renders bulleted and numbered lists', () => {
    expect(renderComment('- one\n- two')).toBe('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(renderComment('1. first\n2. second')).toBe('<ol>\n<li>first</li>\n<li>second</li>\n</ol>');
  });

  it('renders quotes', () => {
    expect(renderComment('> They said yes')).toBe('<blockquote>\n<p>They said yes</p>\n</blockquote>');
  });

  it('renders inline code and fenced code, escaped', () => {
    expect(renderComment('Use `<b>` here')).toBe('<p>Use <code>&lt;b&gt;</code> here</p>');
    expect(renderComment('```\nHi <name>,\n```')).toBe('<pre><code>Hi &lt;name&gt;,\n</code></pre>');
    expect(renderComment('```text\nplain\n```')).toBe('<pre><code class="language-text">plain\n</code></pre>');
  });

  it('renders http, https and mailto links as user-generated content', () => {
    expect(renderComment('[site](https://example.com/a?b=1&c=2)')).toBe(
      `<p><a href="https://example.com/a?b=1&amp;c=2" rel="${REL}">site</a></p>`,
    );
    expect(renderComment('[site](http://example.com)')).toBe(
      `<p><a href="http://example.com" rel="${REL}">site</a></p>`,
    );
    expect(renderComment('[me](mailto:sam@example.com)')).toBe(
      `<p><a href="mailto:sam@example.com" rel="${REL}">me</a></p>`,
    );
  });

  it('renders hard line breaks', () => {
    expect(renderComment('line  \nbreak')).toBe('<p>line<br />\nbreak</p>');
  });

  it('leaves headings, rules, indented code, images, autolinks and raw HTML as text', () => {
    for (const [body, html] of [
      ['# Heading', '<p># Heading</p>'],
      ['Title\n===', '<p>Title\n===</p>'],
      ['---', '<p>---</p>'],
      ['    indented', '<p>indented</p>'],
      ['![alt](https://a.b/x.png)', `<p>!<a href="https://a.b/x.png" rel="${REL}">alt</a></p>`],
      ['<https://a.b>', '<p>&lt;https://a.b&gt;</p>'],
      ['<b>bold</b>', '<p>&lt;b&gt;bold&lt;/b&gt;</p>'],
    ] as const) {
      expect(renderComment(body), body).toBe(html);
    }
  });

  it('uses only allowed tags for a comment using everything at once', () => {
    const html = renderComment(
      '**Follow-up win**\n\n> Thanks for the chat\n\n- sent on *Monday*\n- [template](https://example.com)\n\n1. `code`\n\n```\nblock\n```',
    );
    expect(problemsIn(html)).toEqual([]);
    for (const tag of ['strong', 'blockquote', 'ul', 'li', 'em', 'a', 'ol', 'code', 'pre'])
      expect(html).toContain(`<${tag}`);
  });
});

describe('countLinks', () => {
  it('counts Markdown links', () => {
    expect(countLinks('no links here')).toBe(0);
    expect(countLinks('[a](https://a.example)')).toBe(1);
    expect(countLinks('[a](https://a.example) [b](https://b.example) [c](mailto:c@c.example)')).toBe(3);
    expect(
      countLinks('[a](https://a.example) [b](https://b.example) [c](https://c.example) [d](https://d.example)'),
    ).toBe(4);
  });

  it('counts bare addresses, which are not links but are what spam is made of', () => {
    expect(countLinks('see https://a.example')).toBe(1);
    expect(countLinks('HTTP://A.EXAMPLE and www.b.example and https://c.example and http://d.example')).toBe(4);
    expect(countLinks('<https://a.example>')).toBe(1);
  });

  it('counts a Markdown link and a bare address together without counting one twice', () => {
    expect(countLinks('[a](https://a.example) then https://b.example')).toBe(2);
    expect(countLinks('[a](https://a.example)')).toBe(1);
  });

  it('does not count refused links', () => {
    expect(countLinks('[a](javascript:alert(1)) [b](vbscript:x) [c](data:text/html,x) [d](javascript:y)')).toBe(0);
  });

  it('puts the limit at 3 links, with 5,000 characters a comment', () => {
    expect(MAX_COMMENT_LINKS).toBe(3);
    expect(MAX_COMMENT_LENGTH).toBe(5000);
    expect(countLinks('https://a.example https://b.example https://c.example')).toBeLessThanOrEqual(MAX_COMMENT_LINKS);
    expect(
      countLinks('[a](https://a.example) [b](https://b.example) https://c.example https://d.example'),
    ).toBeGreaterThan(MAX_COMMENT_LINKS);
    expect(countLinks('www.a.example www.b.example www.c.example www.d.example')).toBeGreaterThan(MAX_COMMENT_LINKS);
  });
});

describe('commentExcerpt', () => {
  it('keeps each list item on a line of its own, marked, instead of running them together', () => {
    const html = renderComment(
      'What I sent:\n\n- a thank-you the same evening\n- a check-in after a week\n\n1. first\n2. second',
    );
    expect(commentExcerpt(html)).toBe(
      'What I sent:\n• a thank-you the same evening\n• a check-in after a week\n1. first\n2. second',
    );
  });

  it('collapses spaces inside a line and cuts a long comment with an ellipsis', () => {
    const excerpt = commentExcerpt(renderComment(`A  long\tstory ${'word '.repeat(100)}`), 40);
    expect(excerpt.length).toBeLessThanOrEqual(40);
    expect(excerpt.startsWith('A long story word')).toBe(true);
    expect(excerpt.endsWith('…')).toBe(true);
  });
});
