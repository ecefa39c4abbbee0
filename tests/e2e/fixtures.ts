import AxeBuilder from '@axe-core/playwright';
import type { Client } from '@libsql/client';
import {
  expect,
  test as base,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type TestInfo,
} from '@playwright/test';
import { pathToFileURL } from 'node:url';
import { testClient } from '../setup/test-database.ts';

export { expect };

/** What the browser refused under the site's Content-Security-Policy during the current test. */
const policyViolations: string[] = [];

/**
 * Records every Content-Security-Policy refusal Chromium reports in the context's pages (it logs
 * each as a console error). Contexts a test opens itself are passed through this.
 */
export function watchPolicy(context: BrowserContext): BrowserContext {
  context.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) {
      policyViolations.push(`${message.location().url}: ${message.text()}`);
    }
  });
  return context;
}

/**
 * Playwright's `test`, where every test also fails if any page broke the site's
 * Content-Security-Policy: the policy must be strict and the pages must satisfy it.
 */
export const test = base.extend<{ policyWatch: void }>({
  context: async ({ context }, use) => {
    await use(watchPolicy(context));
  },
  policyWatch: [
    async ({}, use) => {
      policyViolations.length = 0;
      await use();
      expect(policyViolations, policyViolations.join('\n')).toEqual([]);
    },
    { auto: true },
  ],
});

/**
 * The site's main navigation, opened first where it folds behind "Menu" (a phone's width), as a
 * person would: click the summary in the header.
 */
export async function mainNav(page: Page): Promise<Locator> {
  const menu = page.getByRole('banner').locator('details');
  const summary = menu.getByText('Menu', { exact: true });
  if ((await summary.isVisible()) && !(await menu.evaluate((details: HTMLDetailsElement) => details.open))) {
    await summary.click();
  }
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav).toBeVisible();
  return nav;
}

/** Fails with the list of WCAG 2.2 AA violations axe finds on the page as it is now. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  const summary = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help}\n  ${violation.nodes.map((node) => node.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, summary.join('\n')).toEqual([]);
}

/**
 * The phone and desktop projects run at once against one server: each takes its own network
 * (documentation ranges), so their per-network limits and their people do not collide.
 */
export function projectNetwork(testInfo: TestInfo): string {
  return testInfo.project.name === 'phone' ? '203.0.113' : '198.51.100';
}

/** A link from an email, as a path on the server under test (emails link to the public site). */
export function localPath(href: string): string {
  const url = new URL(href.replaceAll('&amp;', '&'));
  return url.pathname + url.search;
}

/**
 * The local mail viewer's address: on the e2e server that runs with the embedded defaults
 * (playwright.config.ts), since the one under test trusts X-Forwarded-For and so has no viewer.
 */
export function mailViewer(path = '/dev/mail'): string {
  return `${process.env.E2E_MAIL_VIEWER!}${path}`;
}

/**
 * Opens the newest email to `to` with `subject` in the local mail viewer and returns its text. It
 * reads it as the developer of this machine does, in a context of its own: a person's context
 * sends X-Forwarded-For, and the viewer answers no request that a proxy passed on.
 */
export async function readMail(browser: Browser, to: string, subject: string): Promise<string> {
  const context = watchPolicy(await browser.newContext());
  try {
    const page = await context.newPage();
    let text = '';
    await expect(async () => {
      await page.goto(mailViewer());
      await page
        .getByRole('row')
        .filter({ hasText: to })
        .filter({ hasText: subject })
        .first()
        .getByRole('link', { name: subject })
        .click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
      text = (await page.locator('.mail-text').textContent()) ?? '';
    }).toPass({ timeout: 10_000 });
    return text;
  } finally {
    await context.close();
  }
}

/** The link to `path` in the newest email to `to` with `subject`, as a path on the server under test. */
export async function linkFromMail(page: Page, to: string, subject: string, path: string): Promise<string> {
  const text = await readMail(page.context().browser()!, to, subject);
  return localPath(new RegExp(`https?://\\S+${path}\\?token=[a-z0-9]+`).exec(text)![0]);
}

/**
 * The e2e server's database, for a journey to set up what only an operator could (the coach role).
 * It waits for the server's writes instead of failing with SQLITE_BUSY.
 */
export async function e2eDatabase(): Promise<Client> {
  const sql = testClient(pathToFileURL(process.env.E2E_DATABASE_FILE!).href);
  await sql.execute('PRAGMA busy_timeout = 10000');
  return sql;
}

/**
 * A person with their own browser context and network address (the e2e server trusts
 * X-Forwarded-For), signed up and confirmed through the mail viewer. Links to the build's public
 * origin (http://localhost:4321, where Checkout returns) are sent on to the server under test.
 */
export async function signedUpPerson(
  browser: Browser,
  { name, address, password, baseURL }: { name: string; address: string; password: string; baseURL: string },
): Promise<{ page: Page; email: string }> {
  const context = watchPolicy(await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': address } }));
  await context.route(/^http:\/\/localhost:4321\//, (route) =>
    route.fulfill({ status: 302, headers: { location: baseURL + localPath(route.request().url()) } }),
  );
  const page = await context.newPage();
  const email = `${name.toLowerCase()}-${address.replaceAll('.', '-')}-${Date.now()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Your first name (optional)').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.goto(await linkFromMail(page, email, 'Confirm your email address', '/auth/verify'));
  return { page, email };
}

/** Like signedUpPerson, then given the coach role in the database (as `npm run coach:grant` would). */
export async function signedUpCoach(
  browser: Browser,
  person: { name: string; address: string; password: string; baseURL: string },
): Promise<{ page: Page; email: string }> {
  const coach = await signedUpPerson(browser, person);
  const sql = await e2eDatabase();
  await sql.execute({ sql: "UPDATE users SET role = 'coach' WHERE email = ?", args: [coach.email] });
  sql.close();
  return coach;
}

/** A reader who takes the cheat sheet from the article and confirms it: their page and address. */
export async function confirmedReader(browser: Browser, address: string, slug: string, name: string) {
  const context = watchPolicy(await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': address } }));
  const page = await context.newPage();
  const email = `${name}-${address.replaceAll('.', '-')}-${Date.now()}@example.com`;
  await page.goto(`/articles/${slug}`);
  const form = page.getByRole('region', { name: /Interview Success Cheat Sheet/ });
  await form.getByLabel('Your email address').fill(email);
  await form.getByLabel(/Send me the Interview Success Cheat Sheet/).check();
  await form.getByRole('button', { name: 'Send me the cheat sheet' }).click();
  await expect(page.getByRole('heading', { name: 'Check your inbox' })).toBeVisible();
  const mail = await readMail(browser, email, 'Confirm your email to get the cheat sheet');
  await page.goto(localPath(/https?:\/\/\S+\/cheat-sheet\/confirm\?token=[\w-]+/.exec(mail)![0]));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("You're in. Your cheat sheet is ready.");
  return { page, email };
}
