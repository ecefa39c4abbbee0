/**
 * Issue 19's small things a designer would not ship, as a person sees them: a header that leaves
 * room for the page on a phone, meta lines that never end on a dangling "·", a wide table that
 * says it scrolls and keeps its caption in view, and a "check your inbox" page a refresh cannot
 * send again.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, mainNav, projectNetwork, signedUpCoach, test } from './fixtures';

const PASSWORD = 'small things phrase 19';

test.describe('at 360 px wide', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the header is one short line, and its menu is accessible closed and open', async ({ page }) => {
    await page.goto('/');
    const header = (await page.getByRole('banner').boundingBox())!;
    expect(header.height).toBeLessThanOrEqual(72);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
    await expectAccessible(page);
    const nav = await mainNav(page);
    await expect(nav.getByRole('link', { name: 'Sign in' })).toBeVisible();
    await expectAccessible(page);
  });

  test('the menu opens and leads on without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    await page.goto('/');
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden();
    const nav = await mainNav(page);
    await nav.getByRole('link', { name: 'Articles' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Articles');
    await context.close();
  });

  test('the coach’s by-article table says it scrolls and shows its whole caption', async ({
    browser,
    baseURL,
  }, testInfo) => {
    const coach = await signedUpCoach(browser, {
      name: 'Quinn',
      address: `${projectNetwork(testInfo)}.219`,
      password: PASSWORD,
      baseURL: baseURL!,
    });
    const page = coach.page;
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/coach');
    const region = page.getByRole('region', { name: 'The funnel by article, scrollable' });
    await expect(region).toBeVisible();
    expect(await region.evaluate((box) => box.scrollWidth > box.clientWidth)).toBe(true);

    const section = page.getByRole('region', { name: 'By article' });
    // The caption a person reads, above the box that scrolls (the table's own caption is for screen readers).
    const caption = section.locator('p', { hasText: /^Each article's part of the funnel/ });
    await expect(caption).toBeVisible();
    const box = (await caption.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    await expect(section.getByText(/scroll the table sideways/)).toBeVisible();
    await expectAccessible(page);
    await page.context().close();
  });
});

test('a wide screen shows the menu’s links at once, with no “Menu” to open', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page.getByRole('banner').getByText('Menu', { exact: true })).toBeHidden();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Articles' })).toBeVisible();
  const header = (await page.getByRole('banner').boundingBox())!;
  expect(header.height).toBeLessThanOrEqual(72);
});

/**
 * Every "·" the reader can see in a meta line has words on its own line before and after it: none
 * ends a line, none starts one. Returns the lines that break this, as text.
 */
async function danglingSeparators(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const meta of document.querySelectorAll<HTMLElement>('p.meta')) {
      const box = meta.getBoundingClientRect();
      const walker = document.createTreeWalker(meta, NodeFilter.SHOW_TEXT);
      const words: DOMRect[] = [];
      const dots: DOMRect[] = [];
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent!.trim();
        if (!text) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
        (text === '·' ? dots : words).push(...rects);
      }
      for (const dot of dots) {
        if (dot.left < box.left) continue; // Not shown: clipped at the start of a line.
        const middle = dot.top + dot.height / 2;
        const sameLine = words.filter((word) => word.top < middle && word.bottom > middle);
        const before = sameLine.some((word) => word.right <= dot.left + 1);
        const after = sameLine.some((word) => word.left >= dot.right - 1);
        if (!before || !after) problems.push(`${meta.innerText.replace(/\s+/g, ' ')} (${box.width}px)`);
      }
    }
    return problems;
  });
}

test('no line of an article card’s details ends or starts with a “·”, at any phone width', async ({ page }) => {
  for (const path of ['/articles', '/articles/professional-persistence-after-the-timeline']) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    for (let width = 300; width <= 480; width += 6) {
      await page.setViewportSize({ width, height: 800 });
      expect(await danglingSeparators(page), `${path} at ${width}px`).toEqual([]);
    }
  }
});

test('“check your inbox” is a page of its own: a refresh shows it again without sending the form', async ({
  page,
}, testInfo) => {
  await page.goto('/cheat-sheet');
  const email = `inbox-${testInfo.project.name}-${Date.now()}@example.com`;
  await page.getByLabel('Your email address').fill(email);
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Send me the cheat sheet' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe('/cheat-sheet/check-inbox');
  expect(page.url()).not.toContain('example.com');

  const methods: string[] = [];
  page.on('request', (request) => methods.push(request.method()));
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
  expect(methods).not.toContain('POST');
  await expectAccessible(page);
});
