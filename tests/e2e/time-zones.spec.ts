import { expect, linkFromMail, projectNetwork, test } from './fixtures';

// Each sign-up comes from its own address, clear of the other journeys' sign-up limits.

test.describe('in a browser set to Berlin', () => {
  test.use({ timezoneId: 'Europe/Berlin' });

  test('sign-up picks the browser’s time zone and the account keeps it', async ({ page }, testInfo) => {
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': `${projectNetwork(testInfo)}.221` });
    const email = `berlin-${testInfo.project.name}-${Date.now()}@example.com`;
    await page.goto('/signup');
    await expect(page.getByLabel('Your time zone')).toHaveValue('Europe/Berlin');
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill('a phrase from berlin');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox');

    await page.goto(await linkFromMail(page, email, 'Confirm your email address', '/auth/verify'));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
    await expect(page.getByLabel('Time zone')).toHaveValue('Europe/Berlin');
  });
});

test.describe('in a browser set to Kolkata', () => {
  // Chromium reports this zone by its old name, Asia/Calcutta; the list offers the current one.
  test.use({ timezoneId: 'Asia/Kolkata' });

  test('sign-up picks Asia/Kolkata', async ({ page }) => {
    await page.goto('/signup');
    await expect(page.getByLabel('Your time zone')).toHaveValue('Asia/Kolkata');
  });
});

test.describe('in a browser without JavaScript', () => {
  test.use({ timezoneId: 'Europe/Berlin', javaScriptEnabled: false });

  test('sign-up offers UTC and the form still works', async ({ page }, testInfo) => {
    await page.setExtraHTTPHeaders({ 'x-forwarded-for': `${projectNetwork(testInfo)}.222` });
    await page.goto('/signup');
    await expect(page.getByLabel('Your time zone')).toHaveValue('UTC');
    await page.getByLabel('Your time zone').selectOption('Europe/Kyiv');
    await page.getByLabel('Email address').fill(`no-script-${testInfo.project.name}-${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('a phrase without script');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox');
  });
});
