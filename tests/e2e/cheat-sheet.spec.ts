import type { Page } from '@playwright/test';
import { expect, expectAccessible, mailViewer, test, watchPolicy } from './fixtures';

/** Links in emails carry the public origin the site was built for; follow them on this server. */
function localPath(href: string): string {
  const url = new URL(href.replaceAll('&amp;', '&'));
  return url.pathname + url.search;
}

/** Opens the email in the local mail viewer, in this page: a reader's own, with no proxy header. */
async function openLatestMail(page: Page, to: string, subject: string): Promise<string> {
  await page.goto(mailViewer());
  const row = page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).first();
  await row.getByRole('link', { name: subject }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
  return (await page.locator('.mail-text').textContent()) ?? '';
}

test('a reader goes from an article to the cheat sheet PDF through the local mail viewer', async ({
  page,
}, testInfo) => {
  const email = `reader-${testInfo.project.name}-${Date.now()}@example.com`;
  await page.goto('/articles/professional-persistence-after-the-timeline');
  const form = page.getByRole('region', { name: /Interview Success Cheat Sheet/ });
  await form.getByLabel('Your email address').fill(email);
  await form.getByLabel(/Send me the Interview Success Cheat Sheet/).check();
  await form.getByRole('button', { name: 'Send me the cheat sheet' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();

  const confirmation = await openLatestMail(page, email, 'Confirm your email to get the cheat sheet');
  const confirmLink = /https?:\/\/\S+\/cheat-sheet\/confirm\?token=[\w-]+/.exec(confirmation)![0];
  await page.goto(localPath(confirmLink));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("You're in. Your cheat sheet is ready.");

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the cheat sheet (PDF)' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('interview-success-cheat-sheet.pdf');
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const pdf = Buffer.concat(chunks);
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(5000);

  // The sheet also arrives by email, with a one-click unsubscribe that works without signing in.
  await expect(async () => {
    const delivery = await openLatestMail(page, email, 'Your Interview Success Cheat Sheet');
    expect(delivery).toContain('/cheat-sheet/download?token=');
  }).toPass({ timeout: 10_000 });
  const delivery = (await page.locator('.mail-text').textContent())!;
  const unsubscribe = /https?:\/\/\S+\/unsubscribe\?token=[\w.-]+/.exec(delivery)![0];
  await page.goto(localPath(unsubscribe));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unsubscribe from our emails?');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are unsubscribed');
});

test('a mistyped address comes back with a clear message and what was typed', async ({ page }) => {
  await page.goto('/cheat-sheet');
  await page.getByLabel('Your email address').fill('someone@gmail');
  await page.getByLabel(/Send me the Interview Success Cheat Sheet/).check();
  await page.getByRole('button', { name: 'Send me the cheat sheet' }).click();
  await expect(page.getByText('That does not look like an email address: check for a typo.')).toBeVisible();
  await expect(page.getByLabel('Your email address')).toHaveValue('someone@gmail');
  await expect(page.getByLabel('Your email address')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel(/Send me the Interview Success Cheat Sheet/)).toBeChecked();
  await expectAccessible(page);
});

test('the form works with JavaScript off', async ({ browser }) => {
  const context = watchPolicy(await browser.newContext({ javaScriptEnabled: false }));
  const page = await context.newPage();
  await page.goto('/');
  const form = page.getByRole('region', { name: /Interview Success Cheat Sheet/ });
  await form.getByLabel('Your email address').fill(`nojs-${Date.now()}@example.com`);
  await form.getByLabel(/Send me the Interview Success Cheat Sheet/).check();
  await form.getByRole('button', { name: 'Send me the cheat sheet' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  await context.close();
});
