import { expect, expectAccessible, linkFromMail, mainNav, test } from './fixtures';

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
