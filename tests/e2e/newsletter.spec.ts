/**
 * The coach writes to the readers of one article: three readers take the cheat sheet there, one
 * unsubscribes, one's address bounces (a signed bounce from the provider's webhook); the coach
 * sets the postal address, writes the email, sends a test, schedules it. The test moves the
 * scheduled time forward in the database rather than wait; the worker queues and sends it. The
 * reader who stayed gets it, with an unsubscribe link that works; the other two get nothing; and
 * the coach's newsletters page shows its numbers.
 */
import type { Browser, Page } from '@playwright/test';
import { signedWebhook } from '../fakes/resend';
import { E2E_RESEND_WEBHOOK_SECRET } from './provider-secrets';
import {
  confirmedReader,
  e2eDatabase,
  expect,
  expectAccessible,
  localPath,
  mailViewer,
  projectNetwork,
  readMail,
  signedUpCoach,
  test,
  watchPolicy,
} from './fixtures';

const PASSWORD = 'newsletter journey phrase';
/** The secret the server under test verifies the provider's webhooks with (playwright.config.ts). */
const WEBHOOK_SECRET = E2E_RESEND_WEBHOOK_SECRET;
// Both projects run at once on one server: each writes to its own article's readers.
const ARTICLES = {
  phone: { slug: 'a-system-for-owning-every-follow-up', title: /Simple System for Owning Every Follow-Up/i },
  desktop: { slug: 'follow-up-after-networking-calls', title: /Follow Up After a Networking Call/i },
} as const;

/** Unsubscribes through the link in an email's text, as a reader clicking it. */
async function unsubscribeFrom(page: Page, mail: string) {
  const link = /https?:\/\/\S+\/unsubscribe\?token=[\w.-]+/.exec(mail)![0];
  await page.goto(localPath(link));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Unsubscribe from our emails?');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You are unsubscribed');
}

/** How many emails to `to` with `subject` the local mail viewer holds. */
async function mailCount(browser: Browser, to: string, subject: string): Promise<number> {
  const context = watchPolicy(await browser.newContext());
  try {
    const page = await context.newPage();
    await page.goto(mailViewer());
    return await page.getByRole('row').filter({ hasText: to }).filter({ hasText: subject }).count();
  } finally {
    await context.close();
  }
}

test('the coach writes to one article’s readers, tests, schedules, and only those still subscribed get it', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(150_000);
  const net = projectNetwork(testInfo);
  const article = ARTICLES[testInfo.project.name as keyof typeof ARTICLES];
  const subject = `Three follow-ups that work (${testInfo.project.name} ${Date.now()})`;

  // Three readers of the article: one stays, one unsubscribes, one's address bounces.
  const stays = await confirmedReader(browser, `${net}.231`, article.slug, 'stays');
  const leaves = await confirmedReader(browser, `${net}.232`, article.slug, 'leaves');
  const bounces = await confirmedReader(browser, `${net}.233`, article.slug, 'bounces');
  let delivery = '';
  await expect(async () => {
    delivery = await readMail(browser, leaves.email, 'Your Interview Success Cheat Sheet');
  }).toPass({ timeout: 20_000 });
  await unsubscribeFrom(leaves.page, delivery);
  const bounce = signedWebhook(WEBHOOK_SECRET, {
    type: 'email.bounced',
    created_at: new Date().toISOString(),
    data: {
      email_id: `e2e-bounce-${net}`,
      to: [bounces.email],
      subject: 'Your Interview Success Cheat Sheet',
      bounce: { type: 'Permanent', subType: 'General', message: 'The mailbox does not exist.' },
    },
  });
  const bounced = await bounces.page.request.post('/api/resend/webhook', {
    headers: bounce.headers,
    data: bounce.body,
  });
  expect(bounced.status()).toBe(200);
  // Done with these two readers' browsers: both projects share one Chromium, which has a tab limit.
  await leaves.page.context().close();
  await bounces.page.context().close();

  // The coach sets the postal address newsletters carry.
  const coach = await signedUpCoach(browser, {
    name: 'Morgan',
    address: `${net}.230`,
    password: PASSWORD,
    baseURL: baseURL!,
  });
  const page = coach.page;
  await page.goto('/coach');
  await page.getByRole('link', { name: 'Newsletters' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Newsletters');
  await expect(page.getByText('There is no tracking pixel and no per-person open tracking')).toBeVisible();
  // Both projects share one server: the address may already be set by the other, so the prompt's
  // link may be gone; the settings page is always there.
  await page.goto('/coach/email/settings');
  await page.getByLabel('Postal address').fill('Own the Follow-Up, 12 Harbour Street, Leith EH6 6QH');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status')).toContainText('Saved');

  // Writes the email to the article's readers and previews it.
  await page.goto('/coach/email');
  await page.getByRole('link', { name: 'Write an email' }).click();
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Email', { exact: true }).fill('## Hello\n\nMost people stop after one email. **Do not.**');
  await page.getByLabel('Came from the article').selectOption({ label: (await optionLabel(page, article.title))! });
  await page.getByRole('button', { name: 'Save and preview' }).click();
  await expect(page.getByRole('status').first()).toContainText('Saved');
  await expect(page.getByText(/\d+ (people|person) in this audience now/)).toBeVisible();
  await expect(
    page.frameLocator('iframe[title="Preview of the email"]').getByText('Most people stop after one email.'),
  ).toBeVisible();
  await expectAccessible(page);

  // A test to the coach's own inbox.
  await page.getByRole('button', { name: 'Send me a test' }).click();
  await expect(page.getByRole('status').first()).toContainText(`Test sent to ${coach.email}`);
  await expect(async () => {
    expect(await readMail(browser, coach.email, `[Test] ${subject}`)).toContain('Most people stop after one email.');
  }).toPass({ timeout: 20_000 });

  // Scheduled for tomorrow at 09:00 on the coach's clock…
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  await page.getByLabel('Day').fill(tomorrow);
  await page.getByLabel('Time').fill('09:00');
  await page.getByRole('button', { name: 'Schedule', exact: true }).click();
  await expect(page.getByRole('status').first()).toContainText('Scheduled');
  const id = /\/coach\/email\/([^/?]+)/.exec(page.url())![1]!;

  // …then brought forward in the database, rather than waiting a day.
  const sql = await e2eDatabase();
  await sql.execute({
    sql: "UPDATE broadcasts SET scheduled_at = ? WHERE id = ? AND status = 'scheduled'",
    args: [Date.now() - 1000, id],
  });
  sql.close();

  // The worker queues and sends it: the reader who stayed gets it, with a working unsubscribe link.
  let mail = '';
  await expect(async () => {
    mail = await readMail(browser, stays.email, subject);
  }).toPass({ timeout: 60_000 });
  expect(mail).toContain('Most people stop after one email.');
  expect(mail).toContain('12 Harbour Street');
  expect(await mailCount(browser, leaves.email, subject)).toBe(0);
  expect(await mailCount(browser, bounces.email, subject)).toBe(0);
  await unsubscribeFrom(stays.page, mail);

  // The coach's newsletters page shows it sent, with its numbers.
  await expect(async () => {
    await page.goto('/coach/email');
    const row = page.getByRole('row').filter({ hasText: subject });
    await expect(row).toBeVisible();
    const cells = await row.getByRole('cell').allTextContents();
    // Subject, status, sent on, recipients, sent, delivered, bounced, complaints.
    expect(Number(cells[3]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
    expect(Number(cells[4]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
  }).toPass({ timeout: 30_000 });
  await expectAccessible(page);

  // The dashboard's Email section lists it among the emails of the period.
  await page.goto('/coach');
  await expect(page.getByRole('region', { name: 'Email' }).getByRole('row').filter({ hasText: subject })).toBeVisible();
});

/** The label of the article's option in the picker (titles carry typographic quotes). */
async function optionLabel(page: Page, title: RegExp): Promise<string | undefined> {
  const labels = await page.getByLabel('Came from the article').locator('option').allTextContents();
  return labels.find((label) => title.test(label));
}
