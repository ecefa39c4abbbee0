import { e2eDatabase, expect, linkFromMail, projectNetwork, test } from './fixtures';

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

test.describe('a visitor in New York', () => {
  test.use({ timezoneId: 'America/New_York' });

  test('reads comment times in New York time, the zone named', async ({ page }, testInfo) => {
    const id = `visitor-clock-${testInfo.project.name}-${Date.now()}`;
    const posted = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const sql = await e2eDatabase();
    await sql.execute({
      sql: `INSERT INTO comments (id, article_slug, body, html, status, created_at)
            VALUES (?, 'a-system-for-owning-every-follow-up', 'The clock test', '<p>The clock test</p>', 'published', ?)`,
      args: [id, posted.getTime()],
    });
    sql.close();
    const newYork = new Intl.DateTimeFormat('en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'America/New_York',
    }).format(posted);
    const shown = `${newYork} America/New York`;

    // Under the article, the comments arrive in a server island after the page.
    await page.goto('/articles/a-system-for-owning-every-follow-up');
    await expect(page.locator(`#c-${id} time`)).toHaveText(shown);
    await page.goto('/articles/a-system-for-owning-every-follow-up/comments');
    await expect(page.locator(`#c-${id} time`)).toHaveText(shown);
    await page.goto('/community');
    await expect(page.getByRole('listitem').filter({ hasText: 'The clock test' }).first().locator('time')).toHaveText(
      shown,
    );
  });
});
