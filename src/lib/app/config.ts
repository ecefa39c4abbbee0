/**
 * Every runtime setting of the site and its default, in one place: the web server (through
 * astro:env, src/lib/app/env-schema.ts takes its defaults from here), the worker, the scripts,
 * drizzle.config.ts and astro.config.mjs read their settings with `readConfig`. Pure: the caller
 * hands in the environment (process.env, or astro:env's validated values); nothing is validated
 * here, only defaults applied, so a value keeps the meaning it has where it was validated.
 */

/** The defaults of the settings that have one (.env.example and the README list the same). */
export const ENV_DEFAULTS = {
  DATABASE_URL: 'file:data/app.db',
  DATABASE_BUSY_TIMEOUT_MS: 5000,
  MIGRATE_ON_START: false,
  EMAIL_FROM: 'Own the Follow-Up <coach@ownthefollowup.localhost>',
  /** Batch calls to the email provider per second, every process together (Resend allows 5 by default). */
  EMAIL_SEND_RATE: 5,
  BACKGROUND_JOBS: true,
  TRUST_PROXY: false,
  LOG_LEVEL: 'info',
  /** The public origin, read when the site is built (astro.config.mjs). */
  SITE_URL: 'http://localhost:4321',
  /** Where the production server (server/main.ts) listens. */
  PORT: 4321,
  HOST: '0.0.0.0',
} as const;

/** Environment variables as the caller has them: strings from process.env, or validated values. */
export type EnvironmentRecord = Readonly<Record<string, string | number | boolean | undefined>>;

export interface AppConfig {
  /** The public origin the site is built for; links in emails point here. */
  siteUrl: string;
  database: { url: string; authToken: string | undefined; busyTimeoutMs: number };
  /** Off, a process refuses a database with migrations not yet applied (`npm run db:migrate`). */
  migrateOnStart: boolean;
  /** The key that signs links; unset, one is generated once and kept in the database. */
  appSecret: string | undefined;
  email: {
    /** `local` keeps email in the outbox for /dev/mail; `resend` delivers it. */
    mode: 'local' | 'resend';
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
    /** The sender of every email. */
    from: string;
    /** Batch calls to the provider per second, every process together. */
    sendRate: number;
    /** Verifies Resend's webhook (bounces, complaints, deliveries); unset, the endpoint answers 404. */
    webhookSecret: string | undefined;
  };
  stripe: {
    secretKey: string | undefined;
    webhookSecret: string | undefined;
    priceMonthly: string | undefined;
    priceYearly: string | undefined;
    /** Another address for Stripe's API (the local fake in tests); unset, Stripe itself. */
    apiUrl: string | undefined;
  };
  /** Run the background jobs in this process (false when `npm run worker` runs them). */
  backgroundJobs: boolean;
  /** Take the visitor's address from X-Forwarded-For. */
  trustProxy: boolean;
  logLevel: string;
  port: number;
  host: string;
}

function text(value: string | number | boolean | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function number(value: string | number | boolean | undefined, fallback: number): number {
  return value === undefined ? fallback : Number(value);
}

function flag(value: string | number | boolean | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value === true || value === 'true';
}

/** The settings in `env`, each missing one replaced by its default. */
export function readConfig(env: EnvironmentRecord): AppConfig {
  const resendApiKey = text(env.RESEND_API_KEY);
  return {
    siteUrl: text(env.SITE_URL) ?? ENV_DEFAULTS.SITE_URL,
    database: {
      url: text(env.DATABASE_URL) ?? ENV_DEFAULTS.DATABASE_URL,
      authToken: text(env.DATABASE_AUTH_TOKEN),
      busyTimeoutMs: number(env.DATABASE_BUSY_TIMEOUT_MS, ENV_DEFAULTS.DATABASE_BUSY_TIMEOUT_MS),
    },
    migrateOnStart: flag(env.MIGRATE_ON_START, ENV_DEFAULTS.MIGRATE_ON_START),
    appSecret: text(env.APP_SECRET),
    email: {
      mode: resendApiKey ? 'resend' : 'local',
      resendApiKey,
      resendBaseUrl: text(env.RESEND_BASE_URL),
      from: text(env.EMAIL_FROM) ?? ENV_DEFAULTS.EMAIL_FROM,
      sendRate: number(env.EMAIL_SEND_RATE, ENV_DEFAULTS.EMAIL_SEND_RATE),
      webhookSecret: text(env.RESEND_WEBHOOK_SECRET),
    },
    stripe: {
      secretKey: text(env.STRIPE_SECRET_KEY),
      webhookSecret: text(env.STRIPE_WEBHOOK_SECRET),
      priceMonthly: text(env.STRIPE_PRICE_MONTHLY),
      priceYearly: text(env.STRIPE_PRICE_YEARLY),
      apiUrl: text(env.STRIPE_API_URL),
    },
    backgroundJobs: flag(env.BACKGROUND_JOBS, ENV_DEFAULTS.BACKGROUND_JOBS),
    trustProxy: flag(env.TRUST_PROXY, ENV_DEFAULTS.TRUST_PROXY),
    logLevel: text(env.LOG_LEVEL) ?? ENV_DEFAULTS.LOG_LEVEL,
    port: number(env.PORT, ENV_DEFAULTS.PORT),
    host: text(env.HOST) ?? ENV_DEFAULTS.HOST,
  };
}
