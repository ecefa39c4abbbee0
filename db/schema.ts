/**
 * Every table of the application, in one place. drizzle-kit reads this file to generate the
 * SQL migrations under db/migrations; never edit a migration once it has landed.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Times are Unix epoch milliseconds: sortable, zone-free, and cheap to compare in SQL. */
const createdAt = () =>
  integer('created_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`);

/** Site-wide settings the coach can change at run time, one JSON value per key. */
export const appSettings = sqliteTable('app_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  createdAt: createdAt(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

/**
 * A reader who traded an email address for the cheat sheet. One row per address (stored
 * lower-cased); the double opt-in moves it from pending to confirmed, unsubscribing ends
 * marketing email. Where the capture happened and the consent shown are kept as evidence.
 */
export const leads = sqliteTable(
  'leads',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    status: text('status', { enum: ['pending', 'confirmed', 'unsubscribed'] }).notNull(),
    sourcePath: text('source_path'),
    sourceArticle: text('source_article'),
    utmSource: text('utm_source'),
    utmMedium: text('utm_medium'),
    utmCampaign: text('utm_campaign'),
    consentText: text('consent_text').notNull(),
    consentAt: integer('consent_at', { mode: 'timestamp_ms' }).notNull(),
    confirmTokenHash: text('confirm_token_hash'),
    confirmExpiresAt: integer('confirm_expires_at', { mode: 'timestamp_ms' }),
    confirmationSentAt: integer('confirmation_sent_at', { mode: 'timestamp_ms' }),
    confirmedAt: integer('confirmed_at', { mode: 'timestamp_ms' }),
    unsubscribedAt: integer('unsubscribed_at', { mode: 'timestamp_ms' }),
    /** The last nurture email queued (1 = the sheet itself); next_nurture_at says when the next is due. */
    nurtureStep: integer('nurture_step').notNull().default(0),
    nextNurtureAt: integer('next_nurture_at', { mode: 'timestamp_ms' }),
    /** Set when the lead signs up: the same person, and nurture stops. */
    userId: text('user_id'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [
    uniqueIndex('leads_email_unique').on(table.email),
    uniqueIndex('leads_confirm_token_unique').on(table.confirmTokenHash),
    index('leads_nurture_due').on(table.status, table.nextNurtureAt),
    index('leads_created').on(table.createdAt),
  ],
);

/**
 * The durable outbox: a request writes the message in the same transaction as the change that
 * caused it; a worker delivers it. The idempotency key makes a second enqueue a no-op and is sent
 * to the provider so a retry after a crash is not a second email.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: text('kind').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    headers: text('headers', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at', { mode: 'timestamp_ms' }).notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at', { mode: 'timestamp_ms' }),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    sentAt: integer('sent_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('outbox_idempotency_key_unique').on(table.idempotencyKey),
    index('outbox_due').on(table.status, table.nextAttemptAt),
    index('outbox_to_created').on(table.toAddress, table.createdAt),
  ],
);

/** Fixed-window counters for rate limits, shared by every app instance through the database. */
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

/** A member (or the coach). Email is stored lower-cased; the password only as an argon2id hash. */
export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    emailVerifiedAt: integer('email_verified_at', { mode: 'timestamp_ms' }),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull().default(''),
    timeZone: text('time_zone').notNull().default('UTC'),
    role: text('role', { enum: ['member', 'coach'] })
      .notNull()
      .default('member'),
    emailReminders: integer('email_reminders', { mode: 'boolean' }).notNull().default(true),
    emailReplies: integer('email_replies', { mode: 'boolean' }).notNull().default(true),
    emailCoach: integer('email_coach', { mode: 'boolean' }).notNull().default(true),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [uniqueIndex('users_email_unique').on(table.email)],
);

/**
 * Sessions per the Lucia guide: the cookie holds `id.secret`; only the SHA-256 of the secret is
 * stored, and expiry slides forward while the member keeps using the site.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    userAgent: text('user_agent').notNull().default(''),
    createdAt: createdAt(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('sessions_user').on(table.userId)],
);

/** One-time links sent by email: verify the address, reset the password, sign in without one. */
export const emailTokens = sqliteTable(
  'email_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['verify', 'reset', 'login'] }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('email_tokens_user_purpose').on(table.userId, table.purpose)],
);
