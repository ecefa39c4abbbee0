import { defineConfig, devices } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { E2E_RESEND_WEBHOOK_SECRET } from './tests/e2e/provider-secrets';

const PORT = Number(process.env.E2E_PORT ?? 4399);
const baseURL = `http://127.0.0.1:${PORT}`;
// A local fake of Stripe (tests/fakes/stripe.ts) takes the real SDK's calls and plays Checkout.
const STRIPE_PORT = Number(process.env.E2E_STRIPE_PORT ?? 4398);
const stripe = {
  STRIPE_SECRET_KEY: 'sk_test_fake_local',
  STRIPE_WEBHOOK_SECRET: 'whsec_e2e_fake_stripe_secret',
  STRIPE_PRICE_MONTHLY: 'price_fake_monthly',
  STRIPE_PRICE_YEARLY: 'price_fake_yearly',
  STRIPE_API_URL: `http://127.0.0.1:${STRIPE_PORT}`,
};
// Debian's chromium package; Playwright cannot download its own browser on these machines.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
// The config is read again in every worker: the first read picks the file and hands it on.
const databaseFile = (process.env.E2E_DATABASE_FILE ??= join(mkdtempSync(join(tmpdir(), 'otfu-e2e-')), 'e2e.db'));
// The local mail viewer answers only a development server (TRUST_PROXY off) and only requests with
// no proxy header: journeys read their email from a second server on the same database, started
// with the embedded defaults, as a developer's machine runs it (tests/e2e/fixtures.ts#readMail).
const MAIL_PORT = Number(process.env.E2E_MAIL_PORT ?? 4397);
process.env.E2E_MAIL_VIEWER ??= `http://127.0.0.1:${MAIL_PORT}`;

const launchOptions = {
  ...(executablePath ? { executablePath } : {}),
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers: 2,
  // Journeys cross many pages with two workers, a server and Chromium sharing two cores.
  timeout: 60_000,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'list' : [['list']],
  use: { baseURL, trace: 'retain-on-failure', launchOptions },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 7'], launchOptions } },
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions } },
  ],
  webServer: [
    {
      command: 'node tests/fakes/stripe-cli.ts',
      port: STRIPE_PORT,
      reuseExistingServer: false,
      timeout: 15_000,
      env: {
        FAKE_STRIPE_PORT: String(STRIPE_PORT),
        STRIPE_SECRET_KEY: stripe.STRIPE_SECRET_KEY,
        STRIPE_WEBHOOK_SECRET: stripe.STRIPE_WEBHOOK_SECRET,
        FAKE_STRIPE_WEBHOOK_URL: `${baseURL}/api/stripe/webhook`,
      },
    },
    {
      command: 'node dist/server/main.mjs',
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      // TRUST_PROXY lets a journey give each simulated person their own address (X-Forwarded-For),
      // so per-address limits (5 sign-ups an hour) apply per person as in production.
      env: {
        PORT: String(PORT),
        HOST: '127.0.0.1',
        DATABASE_URL: pathToFileURL(databaseFile).href,
        // A new database for the run: this server creates and migrates it.
        MIGRATE_ON_START: 'true',
        TRUST_PROXY: 'true',
        RESEND_WEBHOOK_SECRET: E2E_RESEND_WEBHOOK_SECRET,
        ...stripe,
      },
    },
    {
      command: 'node dist/server/main.mjs',
      url: `${process.env.E2E_MAIL_VIEWER}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      env: {
        PORT: String(MAIL_PORT),
        HOST: '127.0.0.1',
        DATABASE_URL: pathToFileURL(databaseFile).href,
        BACKGROUND_JOBS: 'false',
      },
    },
  ],
});
