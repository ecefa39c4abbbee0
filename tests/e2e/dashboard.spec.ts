import type { Page } from '@playwright/test';
import {
  confirmedReader,
  expect,
  expectAccessible,
  linkFromMail,
  projectNetwork,
  signedUpCoach,
  test,
} from './fixtures';

const PASSWORD = 'dashboard journey phrase';
// Both projects run at once on one server: each reads its own article's row of the funnel.
const ARTICLES = {
  phone: { path: '/articles/ask-for-updates-offer-value', title: /Give Before You Ask/ },
  desktop: { path: '/articles/why-following-up-decides-outcomes', title: /Why Following Up/ },
} as const;

/** A stage's count as the funnel chart shows it. */
async function stage(page: Page, label: string): Promise<number> {
  const text = await page.locator('.funnel-stage').filter({ hasText: label }).locator('.funnel-value').textContent();
  return Number((text ?? '').replace(/,/g, ''));
}

/** The totals of the funnel and one article's row: views, captures, confirmed, members. */
async function funnel(page: Page, title: RegExp) {
  await page.goto('/coach?days=7');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
  const cells = (await row.count()) ? await row.getByRole('cell').allTextContents() : [];
  const cell = (index: number) => Number((cells[index] ?? '0').replace(/,/g, ''));
  return {
    total: {
      views: await stage(page, 'Article views'),
      captures: await stage(page, 'Cheat-sheet captures'),
      confirmed: await stage(page, 'Confirmed leads'),
      members: await stage(page, 'New members'),
    },
    article: { views: cell(0), captures: cell(1), confirmed: cell(3), members: cell(4) },
  };
}

test('the coach sees the funnel move after a reader captures the cheat sheet and signs up', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(90_000);
  const net = projectNetwork(testInfo);
  const coach = await signedUpCoach(browser, {
    name: 'Morgan',
    address: `${net}.221`,
    password: PASSWORD,
    baseURL: baseURL!,
  });

  const article = ARTICLES[testInfo.project.name as keyof typeof ARTICLES];
  const before = await funnel(coach.page, article.title);
  await expect(coach.page.getByRole('heading', { name: 'The funnel, the last 7 days' })).toBeVisible();
  await expect(coach.page.getByRole('heading', { name: /Waiting for you/ })).toBeVisible();
  await expectAccessible(coach.page);

  // A reader reads the article (one view), captures the cheat sheet there and confirms it.
  const { page: reader, email } = await confirmedReader(
    browser,
    `${net}.222`,
    article.path.replace(/^\/articles\//, ''),
    'reader',
  );

  // Then signs up with the same address.
  await reader.goto('/signup');
  await reader.getByLabel('Email address').fill(email);
  await reader.getByLabel('Password').fill(PASSWORD);
  await reader.getByRole('button', { name: 'Create account' }).click();
  await expect(reader.getByRole('heading', { level: 1, name: 'Check your inbox' })).toBeVisible();
  // Confirming the address links the account to the cheat-sheet lead, and so to the article.
  await reader.goto(await linkFromMail(reader, email, 'Confirm your email address', '/auth/verify'));

  // The article's row moved by exactly these steps; the totals by at least as much (other
  // journeys run at the same time).
  await expect(async () => {
    const after = await funnel(coach.page, article.title);
    expect(after.article.captures).toBe(before.article.captures + 1);
    expect(after.article.confirmed).toBe(before.article.confirmed + 1);
    expect(after.article.members).toBe(before.article.members + 1);
    expect(after.article.views).toBeGreaterThanOrEqual(before.article.views + 1);
    expect(after.total.captures).toBeGreaterThanOrEqual(before.total.captures + 1);
    expect(after.total.members).toBeGreaterThanOrEqual(before.total.members + 1);
  }).toPass({ timeout: 15_000 });
  await expectAccessible(coach.page);

  // The new member, found from the members list: where they came from and what they agreed to.
  await coach.page.getByRole('link', { name: 'Members', exact: true }).click();
  await coach.page.getByLabel('Email or name contains').fill(email);
  await coach.page.getByRole('button', { name: 'Filter' }).click();
  await expectAccessible(coach.page);
  await coach.page.getByRole('link', { name: email }).click();
  await expect(coach.page.getByRole('heading', { level: 1 })).toContainText(email);
  await expect(coach.page.getByText(/Send me the Interview Success Cheat Sheet/).first()).toBeVisible();
  await expectAccessible(coach.page);
  await reader.context().close();
});
