import { expect, expectAccessible, mailViewer, mainNav, test, watchPolicy } from './fixtures';

test.describe('a reader', () => {
  test('goes from the home page to an article, its tag, and back through the index', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'You nailed the interview. Now own the follow-up.',
    );
    await expect(page.getByRole('link', { name: 'Get the free cheat sheet' }).first()).toBeVisible();

    const latest = page.getByRole('region', { name: 'Latest guidance' });
    await expect(latest.getByRole('article')).toHaveCount(3);
    const firstTitle = (await latest.getByRole('heading', { level: 3 }).first().textContent())!.trim();
    await latest.getByRole('link', { name: firstTitle }).click();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(firstTitle);
    await expect(page.getByText(/\d+ min read/).first()).toBeVisible();
    await expect(page.getByRole('complementary', { name: 'About the author' })).toContainText('Morgan Ellis');
    const related = page.getByRole('region', { name: 'Keep reading' });
    await expect(related.getByRole('article')).toHaveCount(3);
    await expect(related.getByRole('link', { name: firstTitle })).toHaveCount(0);

    const tagLink = page.getByRole('list', { name: 'Tags' }).first().getByRole('link').first();
    const tagName = (await tagLink.textContent())!.trim();
    await tagLink.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Tagged “${tagName}”`);
    await expect(page.getByRole('link', { name: firstTitle })).toBeVisible();

    await (await mainNav(page)).getByRole('link', { name: 'Articles' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Articles');
    await expect(page.getByText('Page 1 of 2')).toBeVisible();
    await page.getByRole('link', { name: 'Older articles →' }).click();
    await expect(page).toHaveURL(/\/articles\/page\/2$/);
    // Seven articles, four a page.
    await expect(page.getByRole('main').getByRole('article')).toHaveCount(3);
    await page.getByRole('link', { name: '← Newer articles' }).click();
    await expect(page).toHaveURL(/\/articles$/);
    await expect(page.getByRole('main').getByRole('article')).toHaveCount(4);
  });

  test('searches the articles and opens a result', async ({ page }) => {
    await page.goto('/');
    await (await mainNav(page)).getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Words to find').fill('hiring manager timeline');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: /\d+ match(es)? for “hiring manager timeline”/ })).toBeVisible();
    await expect(page.locator('mark').first()).toBeVisible();
    await expect(page.getByLabel('Words to find')).toHaveValue('hiring manager timeline');
    const first = page.locator('.result h3 a').first();
    const title = (await first.textContent())!.trim();
    await first.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  });

  test('gets a helpful 404 page with a search box for a broken link', async ({ page }) => {
    const response = await page.goto('/articles/the-one-that-moved');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('We could not find that page');
    await page.getByLabel('Search the articles').fill('networking');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('heading', { name: /match(es)? for “networking”/ })).toBeVisible();
  });
});

test.describe('an article page', () => {
  test('is complete with JavaScript off and loads no script file', async ({ browser }) => {
    const context = watchPolicy(await browser.newContext({ javaScriptEnabled: false }));
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(request.url());
    });
    await page.goto('/articles/professional-persistence-after-the-timeline');
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    await expect(page.getByRole('region', { name: 'Keep reading' })).toBeVisible();
    expect(scripts).toEqual([]);
    expect(await page.locator('script[src]').count()).toBe(0);
    // With JavaScript off the header shows its static fallback.
    await expect((await mainNav(page)).getByRole('link', { name: 'Sign in' })).toBeVisible();
    await context.close();
  });

  test('describes itself to search engines and social cards', async ({ page }) => {
    await page.goto('/articles/thank-you-note-within-24-hours');
    const head = page.locator('head');
    await expect(head.locator('link[rel="canonical"]')).toHaveAttribute(
      'href',
      /\/articles\/thank-you-note-within-24-hours$/,
    );
    await expect(head.locator('meta[property="og:type"]')).toHaveAttribute('content', 'article');
    await expect(head.locator('meta[property="og:title"]')).toHaveAttribute(
      'content',
      'The Thank-You Note: Send It Within 24 Hours',
    );
    await expect(head.locator('meta[property="og:image"]')).toHaveAttribute('content', /\/og-image\.png$/);
    await expect(head.locator('meta[name="twitter:card"]')).toHaveAttribute('content', 'summary_large_image');
    const jsonLd = JSON.parse((await head.locator('script[type="application/ld+json"]').textContent())!);
    expect(jsonLd).toMatchObject({
      '@type': 'Article',
      headline: 'The Thank-You Note: Send It Within 24 Hours',
      author: { name: 'Morgan Ellis' },
    });
    const image = await page.request.get('/og-image.png');
    expect(image.headers()['content-type']).toBe('image/png');
  });
});

test.describe('feeds and crawlers', () => {
  test('the RSS feed lists every article with absolute links', async ({ request }) => {
    const response = await request.get('/rss.xml');
    expect(response.headers()['content-type']).toContain('xml');
    const xml = await response.text();
    expect(xml.match(/<item>/g)).toHaveLength(7);
    expect(xml).toMatch(/<link>http:\/\/[^<]+\/articles\/thank-you-note-within-24-hours<\/link>/);
  });

  test('robots.txt points at the sitemap, which lists the articles but not search', async ({ request }) => {
    const robots = await (await request.get('/robots.txt')).text();
    expect(robots).toMatch(/^Sitemap: http:\/\/.+\/sitemap-index\.xml$/m);
    expect(robots).toContain('Disallow: /tracker');
    const index = await (await request.get('/sitemap-index.xml')).text();
    const sitemapPath = new URL(/<loc>([^<]+)<\/loc>/.exec(index)![1]!).pathname;
    const sitemap = await (await request.get(sitemapPath)).text();
    expect(sitemap.match(/\/articles\/[a-z0-9-]+<\/loc>/g)).toHaveLength(7);
    expect(sitemap).toContain('/pricing</loc>');
    for (const hidden of [
      '/search',
      '/404',
      '/account',
      '/tracker',
      '/coach',
      '/dev/mail',
      '/auth/',
      '/pricing/success',
    ])
      expect(sitemap).not.toContain(hidden);
  });
});

const pageTypes = [
  ['home', '/'],
  ['article index', '/articles'],
  ['article', '/articles/follow-up-after-networking-calls'],
  ['tag', '/tags/persistence'],
  ['about', '/about'],
  ['premium article (preview and invitation)', '/articles/final-round-follow-up-playbook'],
  ['pricing', '/pricing'],
  ['checkout cancelled', '/pricing/canceled'],
  ['cheat sheet', '/cheat-sheet'],
  ['expired download link', '/cheat-sheet/link-expired?reason=expired'],
  ['unsubscribe with a bad link', '/unsubscribe?token=bad'],
  ['local mail', mailViewer()],
  ['sign in', '/login'],
  ['sign up', '/signup'],
  ['forgotten password', '/auth/forgot'],
  ['search results', '/search?q=thank+you'],
  ['not found', '/no-such-page'],
] as const;

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`in the ${scheme} theme`, () => {
    test.use({ colorScheme: scheme });
    for (const [name, path] of pageTypes) {
      test(`the ${name} page passes axe`, async ({ page }) => {
        await page.goto(path);
        await expectAccessible(page);
      });
    }
  });
}

test.describe('at a phone width', () => {
  // Every project checks this at the width of a small phone, whatever its own viewport.
  test.use({ viewport: { width: 360, height: 740 } });

  test('no page scrolls sideways on a phone', async ({ page }) => {
    for (const [, path] of pageTypes) {
      await page.goto(path);
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
    }
  });
});
