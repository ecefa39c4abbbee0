/**
 * Each page inlines only the CSS it renders (src/styles/global.css is the base; an area's rules
 * live in src/styles/<area>.css or in its components). Through HTTP on the built server: an article
 * stays under its budget and carries none of the tracker's, the coach's, the plans' or the account
 * pages' rules, yet keeps its own (the Markdown body, the comments island, the cheat-sheet form);
 * the tracker and the coach's dashboard still get theirs.
 */
import { describe, expect, it } from 'vitest';
import { signedUpCoach, signedUpMember } from '../setup/http-browser.ts';
import { useMemberServer } from '../setup/member-site.ts';

const { base, sql } = useMemberServer();
const ARTICLE = '/articles/thank-you-note-within-24-hours';

/**
 * Budgets in bytes of inlined CSS, from the measurement when the stylesheet was split (December
 * 2026: article 14,226, home 10,531; both were 23,999 with one stylesheet) plus room to grow.
 */
const ARTICLE_BUDGET = 16_000;
const HOME_BUDGET = 12_500;

/** The contents of a page's <style> elements, joined. */
const inlinedCss = (html: string) =>
  [...html.matchAll(/<style(?:\s[^>]*)?>([\s\S]*?)<\/style>/g)].map(([, css]) => css).join('\n');

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Selectors only other areas render: the tracker, the coach's pages, the plans, the account page. */
const OTHER_AREAS = [
  '.board-card',
  '.due-item',
  '.timeline-item',
  '.kind-choice',
  '.tracker-nav',
  '.data-table',
  '.funnel-stage',
  '.trend-plot',
  '.dashboard',
  '.moderation-list',
  '.plan-price',
  '.session-list',
  '.review-compare',
];

describe('the CSS a page inlines', () => {
  it('keeps an article under its budget and free of other areas’ rules', async () => {
    const response = await fetch(base() + ARTICLE);
    expect(response.status).toBe(200);
    const css = inlinedCss(await response.text());
    expect(bytes(css)).toBeLessThanOrEqual(ARTICLE_BUDGET);
    for (const selector of OTHER_AREAS) expect(css, selector).not.toContain(selector);
    // What the article does render: its body, the comments island, the cheat-sheet form, the base.
    for (const selector of ['.prose', '.comment-body', '.capture-form', '.author-box', '.site-header', '.button'])
      expect(css, selector).toContain(selector);
  });

  it('keeps the home page under its budget', async () => {
    const css = inlinedCss(await (await fetch(base() + '/')).text());
    expect(bytes(css)).toBeLessThanOrEqual(HOME_BUDGET);
    expect(css).toContain('.hero');
    for (const selector of OTHER_AREAS) expect(css, selector).not.toContain(selector);
  });

  it('still gives the tracker and the coach’s dashboard their own rules', async () => {
    const member = await signedUpMember(base, sql, 'page-css-member@example.com');
    const tracker = inlinedCss(await (await member.get('/tracker')).text());
    for (const selector of ['.due-item', '.tracker-nav', '.column-counts'])
      expect(tracker, selector).toContain(selector);
    expect(tracker).not.toContain('.funnel-stage');

    const coach = await signedUpCoach(base, sql, 'page-css-coach@example.com');
    const dashboard = inlinedCss(await (await coach.get('/coach')).text());
    for (const selector of ['.funnel-stage', '.trend-plot', '.dashboard', '.data-table'])
      expect(dashboard, selector).toContain(selector);
    expect(dashboard).not.toContain('.board-card');
  });
});
