import { expect, expectAccessible, linkFromMail, mainNav, projectNetwork, signedUpPerson, test } from './fixtures';

test('a newcomer signs up, confirms, signs out and in, resets the password and deletes the account', async ({
  page,
}, testInfo) => {
  const email = `newcomer-${testInfo.project.name}-${Date.now()}@example.com`;
  await page.goto('/');
  await (await mainNav(page)).getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expectAccessible(page);
  await page.getByLabel('Your first name (optional)').fill('Robin');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill('first phrase for robin');
  await page.getByLabel('Your time zone').selectOption('America/New_York');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your inbox');

  await page.goto(await linkFromMail(page, email, 'Confirm your email address', '/auth/verify'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');
  await expect(page.getByText('Your email address is confirmed. Welcome!')).toBeVisible();
  await expectAccessible(page);

  // The header of a prerendered page shows the signed-in state through the server island.
  await page.goto('/articles');
  await expect((await mainNav(page)).getByRole('link', { name: 'Robin' })).toBeVisible();

  await page.goto('/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login\?next=%2Faccount$/);

  const passwordForm = page.getByRole('form', { name: 'With your password' });
  await passwordForm.getByLabel('Email address').fill(email);
  await passwordForm.getByLabel('Password').fill('not my password');
  await passwordForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('That email and password do not match an account.');
  await passwordForm.getByLabel('Password').fill('first phrase for robin');
  await passwordForm.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your account');

  // Forgot it after all: reset by email.
  await page.goto('/auth/forgot');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a reset link' }).click();
  await expect(page.getByRole('status')).toContainText('If that address has an account');
  await page.goto(await linkFromMail(page, email, 'Reset your password', '/auth/reset'));
  await page.getByLabel('New password', { exact: true }).fill('second phrase for robin');
  await page.getByLabel('The new password again').fill('second phrase for robin');
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await expect(page.getByText('Your new password is saved.')).toBeVisible();

  const deletion = page.getByRole('form', { name: 'Delete my account' });
  await deletion.getByLabel('Your password').fill('second phrase for robin');
  await deletion.getByLabel('Type DELETE to confirm').fill('DELETE');
  await deletion.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page).toHaveURL(/\/\?account=deleted$/);
  await page.goto('/account');
  await expect(page).toHaveURL(/\/login/);
});

test('a member in the US sets their country, and a summary due on Thanksgiving moves to the Friday', async ({
  browser,
  baseURL,
}, testInfo) => {
  const { page } = await signedUpPerson(browser, {
    name: 'Dana',
    address: `${projectNetwork(testInfo)}.231`,
    password: 'dana keeps the calendar',
    baseURL: baseURL!,
  });
  await page.goto('/account');
  await page.getByLabel('Time zone').selectOption('America/New_York');
  await page.getByLabel('Country for public holidays').selectOption({ label: 'United States of America' });
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  // The country has regions: the form offers them once it is saved.
  await expect(page.getByLabel('Region')).toBeVisible();
  await expect(page.getByLabel('Country for public holidays')).toHaveValue('US');
  await expectAccessible(page);

  // A networking call the day before Thanksgiving: its summary is due a working day later.
  await page.goto('/tracker/new');
  await page.getByRole('radio', { name: 'Networking call' }).check();
  await page.getByLabel('Company').fill('Harbor Labs');
  await page.getByLabel('Who you spoke with').fill('Lee Park');
  await page.getByLabel('Date you spoke').fill('2026-11-25');
  await page.getByRole('button', { name: 'Add and plan my follow-ups' }).click();
  await expect(page.getByRole('heading', { name: 'Next: Summary and next steps' })).toBeVisible();
  await expect(page.getByText(/Fri 27 Nov, the next working day after Thanksgiving Day/).first()).toBeVisible();
});
