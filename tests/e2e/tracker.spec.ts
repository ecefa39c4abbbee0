import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, linkFromMail, projectNetwork, signedUpPerson, test, watchPolicy } from './fixtures';

// One account per project: the second test signs in to it with JavaScript switched off.
test.describe.configure({ mode: 'serial' });
const PASSWORD = 'tracker journey phrase';
let email = '';

function isoDaysAgo(days: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(Date.now() - days * 86_400_000));
}

async function signIn(page: Page) {
  await page.goto('/login?next=%2Ftracker');
  const form = page.getByRole('form', { name: 'With your password' });
  await form.getByLabel('Email address').fill(email);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your follow-ups');
}

test('from an article to a thank-you drafted, sent, a check-in scheduled and a reply logged', async ({
  page,
  context,
}, testInfo) => {
  // A long journey (sign-up, six pages, a dozen forms): more than the default 30 s on a busy machine.
  test.setTimeout(90_000);
  email = `tracker-${testInfo.project.name}-${Date.now()}@example.com`;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);

  // A reader of the thank-you article starts an entry; an account comes first.
  await page.goto('/articles/thank-you-note-within-24-hours');
  await page.getByRole('link', { name: 'Add this follow-up to my tracker' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Ftracker%2Fnew%3Fkind%3Dinterview/);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Your first name (optional)').fill('Robin');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Your time zone').selectOption('America/Chicago');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.goto(await linkFromMail(page, email, 'Confirm your email address', '/auth/verify'));

  await page.goto('/tracker');
  await expect(page.getByText('Start with your last conversation')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Add an interview' }).click();
  await expect(page.getByRole('radio', { name: 'Interview' })).toBeChecked();
  await expectAccessible(page);

  // A mistake first: nothing is lost, each problem is beside its field.
  await page.getByLabel('Company').fill('Northwind Labs');
  await page.getByLabel('Their email').fill('priya at northwind');
  await page.getByRole('button', { name: 'Add and plan my follow-ups' }).click();
  await expect(page.getByText('Add the name of the person you spoke with.')).toBeVisible();
  await expect(page.getByText('That email address does not look right')).toBeVisible();
  await expect(page.getByLabel('Company')).toHaveValue('Northwind Labs');

  await page.getByLabel('Role', { exact: true }).fill('Product Designer');
  await page.getByLabel('Who you spoke with').fill('Priya Shah');
  await page.getByLabel('Their email').fill('priya@northwind.example');
  await page.getByLabel('Date you spoke').fill(isoDaysAgo(0, 'America/Chicago'));
  await page.getByLabel('Time', { exact: true }).fill('00:01');
  await page.getByLabel('They said they would decide by').fill(isoDaysAgo(-10, 'America/Chicago'));
  await page.getByLabel('One specific thing you discussed').fill('how critiques work across time zones');
  await page.getByRole('button', { name: 'Add and plan my follow-ups' }).click();

  // The thank-you is due within 24 hours, drafted from what was logged.
  await expect(page.getByRole('heading', { name: 'Next: Thank-you note' })).toBeVisible();
  await expect(page.getByText(/Thank-you due by .*, 24 hours after your interview\./).first()).toBeVisible();
  const message = page.getByLabel('Message');
  await expect(message).toHaveValue(/^Hi Priya,/);
  await expect(message).toHaveValue(/how critiques work across time zones/);
  await expect(page.getByText(/Still to fill in before it goes: .*\{one result that relates to it\}/)).toBeVisible();
  await expectAccessible(page);

  await page.goto('/tracker');
  const dueToday = page.getByRole('region', { name: /Due today/ });
  await expect(dueToday.getByRole('link', { name: 'Northwind Labs: Priya Shah' })).toBeVisible();
  await dueToday.getByRole('link', { name: /Draft the thank-you note/ }).click();

  // Edit the draft, copy it, and mark it sent (once the draft island is live).
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
  await message.fill(
    (await message.inputValue())
      .replace('{your name}', 'Robin')
      .replace('{one result that relates to it}', 'halved the review backlog'),
  );
  // Every placeholder filled: the warning goes as the member types.
  await expect(page.getByText(/Still to fill in before it goes/)).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Open in my mail app' })).toHaveAttribute(
    'href',
    /^mailto:priya@northwind\.example\?subject=Thank%20you%3A%20Product%20Designer%20interview&body=.*Robin/,
  );
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText('Copied. Paste it into your email.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('Subject: Thank you: Product Designer');
  await page.getByRole('button', { name: 'Mark as sent' }).click();

  // The check-in is scheduled for the working day after their date, and it is too soon to send.
  await expect(page.getByText('Logged as sent. The next step is scheduled.')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Next: Status check-in' })).toBeVisible();
  await expect(page.getByText(/Check-in due .*, the working day after the date they gave/).first()).toBeVisible();
  await expect(page.getByText(/^Too soon: they said they would decide by/)).toBeVisible();
  const timeline = page.getByRole('region', { name: 'Timeline' });
  await expect(timeline.getByText('You sent: Thank-you note')).toBeVisible();
  await page.goto('/tracker');
  await expect(page.getByRole('region', { name: /Coming up/ }).getByText('Status check-in')).toBeVisible();

  // They reply: the schedule pauses.
  await page
    .getByRole('region', { name: /Coming up/ })
    .getByRole('link', { name: 'Northwind Labs: Priya Shah' })
    .click();
  await page.getByLabel('What they said', { exact: true }).fill('Thanks Robin, we will be in touch.');
  await page.getByRole('button', { name: 'Log their reply' }).click();
  await expect(page.getByText('Reply logged.')).toBeVisible();
  await expect(page.getByText(/the schedule is paused/).first()).toBeVisible();
  await expect(timeline.getByText('They replied', { exact: true })).toBeVisible();

  // The home counts it under "They replied"; on the board, moving it to Offer moves the card in place.
  await page.goto('/tracker');
  await expect(page.getByRole('link', { name: '1 They replied' })).toBeVisible();
  await page.getByRole('link', { name: 'Open the board' }).click();
  await expect(
    page.getByRole('region', { name: /They replied/ }).getByRole('link', { name: /Northwind Labs/ }),
  ).toBeVisible();
  // The board is an island: wait until it is live (Astro drops `ssr` once it has hydrated).
  await expect(page.locator('astro-island[ssr]')).toHaveCount(0);
  await page.getByLabel('Stage of Northwind Labs').selectOption('offer');
  await expect(page.getByText('Northwind Labs moved to Offer.')).toBeVisible();
  await expect(
    page.getByRole('region', { name: /^Offer/ }).getByRole('link', { name: /Northwind Labs/ }),
  ).toBeVisible();
  await page.getByLabel('Search').fill('nobody');
  await expect(page.getByText('0 of 1 entry shown.')).toBeVisible();
  await expectAccessible(page);

  for (const path of ['/tracker/stats', '/tracker/data']) {
    await page.goto(path);
    await expectAccessible(page);
  }
});

test('adding a networking call and marking it sent work with JavaScript off', async ({ browser }) => {
  const context = watchPolicy(await browser.newContext({ javaScriptEnabled: false }));
  const page = await context.newPage();
  await signIn(page);
  await page.getByRole('link', { name: 'Add a conversation' }).click();
  await page.getByRole('radio', { name: 'Networking call' }).check();
  await page.getByLabel('Company').fill('Independent');
  await page.getByLabel('Who you spoke with').fill('Bo Chen');
  await page.getByLabel('Date you spoke').fill(isoDaysAgo(1, 'America/Chicago'));
  await page.getByRole('button', { name: 'Add and plan my follow-ups' }).click();
  await expect(page.getByRole('heading', { name: 'Next: Summary and next steps' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy' })).toHaveCount(0);
  // Sent as drafted, placeholders and all: the member says so, or the form holds it back.
  await page.getByRole('button', { name: 'Mark as sent' }).click();
  await expect(page.getByText(/Your message still has \{.+\} to fill in/)).toBeVisible();
  await page.getByLabel('Keep the text in braces as it is').check();
  await page.getByRole('button', { name: 'Mark as sent' }).click();
  await expect(page.getByRole('heading', { name: 'Next: Offer-value note' })).toBeVisible();
  await page.reload();
  // A refresh after the redirect logs nothing twice.
  await expect(
    page.getByRole('region', { name: 'Timeline' }).getByText('You sent: Summary and next steps'),
  ).toHaveCount(1);
  await context.close();
});

test('a European Excel file (Windows-1252, semicolons, day-first dates) imports with its accents, and leaves in the JSON export', async ({
  browser,
  baseURL,
}, testInfo) => {
  test.setTimeout(60_000);
  const { page } = await signedUpPerson(browser, {
    name: 'Jürgen',
    address: `${projectNetwork(testInfo)}.233`,
    password: 'jurgen moves his search',
    baseURL: baseURL!,
  });
  await page.goto('/tracker/data');
  await page
    .getByLabel(/CSV or JSON file/)
    .setInputFiles(join(import.meta.dirname, '../fixtures/spreadsheets/excel-windows-1252-semicolon.csv'));
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(page.getByText('Added 2 entries from 3 of 3 rows.')).toBeVisible();
  await expect(page.getByText(/read as Windows-1252 \(Western European\), the encoding Excel uses/)).toBeVisible();
  await expectAccessible(page);

  await page.goto('/tracker/board');
  await expect(page.getByText('Müller GmbH').first()).toBeVisible();
  await expect(page.getByText('Société Générale').first()).toBeVisible();
  await page
    .getByRole('link', { name: /Jürgen Weiß/ })
    .first()
    .click();
  await expect(page.getByText('Café-Tour im Büro').first()).toBeVisible();
  await expect(page.locator('body')).not.toContainText('\ufffd');

  // Everything comes back out as it was typed, in the file that imports whole.
  await page.goto('/tracker/data');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download JSON (everything)' }).click(),
  ]);
  const exported = await readFile(await download.path(), 'utf8');
  expect(exported).toContain('"contactName": "Jürgen Weiß"');
  expect(exported).toContain('"company": "Société Générale"');
  expect(exported).not.toContain('\ufffd');
});
