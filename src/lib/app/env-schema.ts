/**
 * Every runtime setting, declared once; defaults come from config.ts (ENV_DEFAULTS), which the
 * scripts read too. astro.config.mjs hands these to astro:env, which validates them when the
 * server starts; the worker (server/worker.ts), which is not an Astro app, validates the same
 * declarations with Astro's own validator (`readEnvironment`).
 * Server variables marked `public` are inlined at build time; runtime settings are `secret`.
 */
import { envField } from 'astro/config';
import { createInvalidVariablesError, getEnvFieldType, validateEnvVariable } from 'astro/env/runtime';
import { ENV_DEFAULTS } from './config.ts';

export const ENV_SCHEMA = {
  DATABASE_URL: envField.string({
    context: 'server',
    access: 'secret',
    default: ENV_DEFAULTS.DATABASE_URL,
    url: true,
  }),
  DATABASE_AUTH_TOKEN: envField.string({ context: 'server', access: 'secret', optional: true }),
  DATABASE_BUSY_TIMEOUT_MS: envField.number({
    context: 'server',
    access: 'secret',
    default: ENV_DEFAULTS.DATABASE_BUSY_TIMEOUT_MS,
    int: true,
    gt: 0,
  }),
  // Off, a process refuses a database with migrations not yet applied (run `npm run db:migrate`).
  MIGRATE_ON_START: envField.boolean({ context: 'server', access: 'secret', default: ENV_DEFAULTS.MIGRATE_ON_START }),
  APP_SECRET: envField.string({ context: 'server', access: 'secret', optional: true, min: 32 }),
  RESEND_API_KEY: envField.string({ context: 'server', access: 'secret', optional: true, startsWith: 're_' }),
  RESEND_BASE_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  EMAIL_FROM: envField.string({
    context: 'server',
    access: 'secret',
    default: ENV_DEFAULTS.EMAIL_FROM,
  }),
  // Batch calls to Resend per second, all processes together (the account's rate limit; docs/email.md).
  EMAIL_SEND_RATE: envField.number({
    context: 'server',
    access: 'secret',
    default: ENV_DEFAULTS.EMAIL_SEND_RATE,
    int: true,
    gt: 0,
  }),
  // The signing secret of Resend's webhook (/api/resend/webhook); unset, that endpoint answers 404.
  RESEND_WEBHOOK_SECRET: envField.string({
    context: 'server',
    access: 'secret',
    optional: true,
    startsWith: 'whsec_',
  }),
  // Payments are on when the secret key, the webhook secret and at least one price are set.
  STRIPE_SECRET_KEY: envField.string({ context: 'server', access: 'secret', optional: true, min: 8 }),
  STRIPE_WEBHOOK_SECRET: envField.string({
    context: 'server',
    access: 'secret',
    optional: true,
    startsWith: 'whsec_',
  }),
  STRIPE_PRICE_MONTHLY: envField.string({
    context: 'server',
    access: 'secret',
    optional: true,
    startsWith: 'price_',
  }),
  STRIPE_PRICE_YEARLY: envField.string({
    context: 'server',
    access: 'secret',
    optional: true,
    startsWith: 'price_',
  }),
  // Another address for Stripe's API: the local fake in tests. Unset, the SDK talks to Stripe.
  STRIPE_API_URL: envField.string({ context: 'server', access: 'secret', optional: true, url: true }),
  BACKGROUND_JOBS: envField.boolean({ context: 'server', access: 'secret', default: ENV_DEFAULTS.BACKGROUND_JOBS }),
  TRUST_PROXY: envField.boolean({ context: 'server', access: 'secret', default: ENV_DEFAULTS.TRUST_PROXY }),
  // Read by src/lib/app/log.server.ts (the server and the worker): declared so a typo stops the start.
  LOG_LEVEL: envField.enum({
    context: 'server',
    access: 'secret',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: ENV_DEFAULTS.LOG_LEVEL,
  }),
};

type Schema = typeof ENV_SCHEMA;
/** The settings, with their defaults applied (envField's types do not say which have one). */
export type Environment = {
  [Key in keyof Schema]:
    | (Schema[Key] extends { type: 'boolean' } ? boolean : Schema[Key] extends { type: 'number' } ? number : string)
    | undefined;
};

/**
 * The settings from `source` (process.env), validated as astro:env validates them for the
 * server; throws Astro's own error, naming the variable, for the first that is malformed.
 */
export function readEnvironment(source: Record<string, string | undefined> = process.env): Environment {
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(ENV_SCHEMA)) {
    const result = validateEnvVariable(source[key], field);
    if (!result.ok) throw createInvalidVariablesError(key, getEnvFieldType(field), result);
    values[key] = result.value;
  }
  return values as Environment;
}
