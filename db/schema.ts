/**
 * Every table of the application, in one place. drizzle-kit reads this file to generate the
 * SQL migrations under db/migrations; never edit a migration once it has landed.
 */
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

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
    /** The sequence step last queued for this lead (sequence_steps.id): its place, kept by identity. */
    sequenceStepId: text('sequence_step_id'),
    /** The consent the lead gave covers the coach's newsletters (captures since the consent said so). */
    newsletterConsent: integer('newsletter_consent', { mode: 'boolean' }).notNull().default(false),
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
    // The coach's funnel: captures and confirmations by period and by article, from the index alone.
    index('leads_created_article').on(table.createdAt, table.sourceArticle),
    index('leads_confirmed_article').on(table.confirmedAt, table.sourceArticle),
    index('leads_user').on(table.userId),
    // Broadcast audiences: confirmed leads who agreed to newsletters, by article and signup date.
    index('leads_audience').on(table.status, table.newsletterConsent, table.sourceArticle, table.createdAt),
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
    /** The member the message is for, when it is for one (deleted with their account). */
    userId: text('user_id'),
    /**
     * When the message stops being worth anything: the expiry of the one-time link it carries, or
     * the end of the retention period of its body. Never sent after it; its body is erased then.
     */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    /** When its HTML, text and headers were replaced by a short note (src/lib/data/retention.server.ts). */
    erasedAt: integer('erased_at', { mode: 'timestamp_ms' }),
    /** The broadcast or sequence step it belongs to (`b-<id>`, `s-<id>`; src/lib/marketing/campaigns.ts). */
    campaign: text('campaign'),
    /**
     * The batch it goes out in: at most 100 rows fixed when a broadcast is queued, sent in one call
     * to the provider under this key, so a retry resends exactly that batch. Null: sent on its own.
     */
    batchKey: text('batch_key'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('outbox_idempotency_key_unique').on(table.idempotencyKey),
    // Single messages and batches are leased apart: neither walks past the other's due rows.
    index('outbox_single_due')
      .on(table.status, table.nextAttemptAt)
      .where(sql`batch_key IS NULL`),
    index('outbox_batch_due')
      .on(table.status, table.nextAttemptAt)
      .where(sql`batch_key IS NOT NULL`),
    index('outbox_batch').on(table.batchKey, table.status),
    index('outbox_campaign').on(table.campaign, table.status),
    index('outbox_due').on(table.status, table.nextAttemptAt),
    index('outbox_to_created').on(table.toAddress, table.createdAt),
    index('outbox_user').on(table.userId),
    // The retention job: bodies due for erasure, then rows past their keeping period.
    index('outbox_erase_due').on(table.erasedAt, table.expiresAt),
    index('outbox_created').on(table.createdAt),
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
    /** ISO 3166 code of the country whose public holidays the playbook skips; null for weekends only. */
    country: text('country'),
    /** date-holidays' code for a region of that country with holidays of its own (`BY`, `ENG`). */
    region: text('region'),
    role: text('role', { enum: ['member', 'coach'] })
      .notNull()
      .default('member'),
    emailReminders: integer('email_reminders', { mode: 'boolean' }).notNull().default(true),
    emailReplies: integer('email_replies', { mode: 'boolean' }).notNull().default(true),
    /** The coach's newsletters (broadcasts). */
    emailCoach: integer('email_coach', { mode: 'boolean' }).notNull().default(true),
    /** The cheat-sheet sequence's emails meant for members too. */
    emailSequence: integer('email_sequence', { mode: 'boolean' }).notNull().default(true),
    /** The email campaign (`utm_campaign`) of the link the member signed up from, if it was one of ours. */
    signupCampaign: text('signup_campaign'),
    /** Set when the coach stops the member from commenting. */
    commentingBlockedAt: integer('commenting_blocked_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [
    uniqueIndex('users_email_unique').on(table.email),
    index('users_created').on(table.createdAt),
    index('users_created_campaign').on(table.createdAt, table.signupCampaign),
  ],
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

/**
 * The follow-up tracker. An opportunity is an interview process or a networking relationship;
 * its conversations (rounds, calls) and touches (messages sent, replies) feed the playbook, whose
 * plan is stored on the row (plan_*) so the tracker home and the reminder job read it from an
 * index instead of recomputing every entry. The plan is rewritten in the same transaction as any
 * change that affects it.
 */
export const opportunities = sqliteTable(
  'opportunities',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['interview', 'networking'] }).notNull(),
    company: text('company').notNull(),
    roleTitle: text('role_title').notNull().default(''),
    contactName: text('contact_name').notNull(),
    contactRole: text('contact_role').notNull().default(''),
    contactEmail: text('contact_email').notNull().default(''),
    stage: text('stage', { enum: ['open', 'offer', 'rejected', 'withdrawn', 'closed'] })
      .notNull()
      .default('open'),
    notes: text('notes').notNull().default(''),
    archivedAt: integer('archived_at', { mode: 'timestamp_ms' }),
    planState: text('plan_state', { enum: ['step', 'paused', 'waiting', 'ended', 'empty'] })
      .notNull()
      .default('empty'),
    planStep: text('plan_step'),
    planPrecision: text('plan_precision', { enum: ['time', 'day'] }),
    planEarliestAt: integer('plan_earliest_at', { mode: 'timestamp_ms' }),
    planDueAt: integer('plan_due_at', { mode: 'timestamp_ms' }),
    /** The playbook's sentence for the member: what is due, by when, and why. */
    planReason: text('plan_reason').notNull().default(''),
    /** The step last included in a reminder email (`step@dueAt`): never remind twice for one step. */
    remindedKey: text('reminded_key'),
    lastActivityAt: integer('last_activity_at', { mode: 'timestamp_ms' }).notNull(),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [
    // Covering for the tracker home's totals (stage, plan state, urgency) without reading rows.
    index('opportunities_user_due_cover').on(
      table.userId,
      table.archivedAt,
      table.planDueAt,
      table.planPrecision,
      table.stage,
      table.planState,
    ),
    index('opportunities_user_activity').on(table.userId, table.lastActivityAt),
    index('opportunities_due').on(table.planDueAt),
  ],
);

/** An interview round or a networking call. */
export const conversations = sqliteTable(
  'conversations',
  {
    id: text('id').primaryKey(),
    opportunityId: text('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    /** The date they said they would decide by, YYYY-MM-DD in the member's zone. */
    decisionBy: text('decision_by'),
    timingNote: text('timing_note').notNull().default(''),
    specificDetail: text('specific_detail').notNull().default(''),
    valueIdea: text('value_idea').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [
    index('conversations_opportunity').on(table.opportunityId, table.at),
    index('conversations_user').on(table.userId),
  ],
);

/** A message the member sent (from their own mailbox) or a reply they received. */
export const touches = sqliteTable(
  'touches',
  {
    id: text('id').primaryKey(),
    opportunityId: text('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['sent', 'reply'] }).notNull(),
    step: text('step'),
    at: integer('at', { mode: 'timestamp_ms' }).notNull(),
    decisionBy: text('decision_by'),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [index('touches_opportunity').on(table.opportunityId, table.at), index('touches_user').on(table.userId)],
);

/** Tracker settings of a member: the private calendar feed and the last daily reminder. */
export const trackerSettings = sqliteTable(
  'tracker_settings',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** SHA-256 of the calendar feed's secret; a new feed (or none) revokes the old URL. */
    calendarTokenHash: text('calendar_token_hash'),
    /** The member's local date of the last daily reminder, so a day never gets two. */
    lastReminderOn: text('last_reminder_on'),
  },
  (table) => [uniqueIndex('tracker_settings_calendar').on(table.calendarTokenHash)],
);

/**
 * Comments under articles: Markdown as written and its sanitized HTML. Replies are one level
 * deep (a reply's parent is always a top-level comment). Held comments wait for the coach;
 * hidden ones are seen by the coach only; deleted ones keep their place for their replies.
 * Deleting an account deletes its comments the same way (src/lib/data/account-data.server.ts); only
 * imported comments by unknown authors are signed "a former member".
 */
export const comments = sqliteTable(
  'comments',
  {
    id: text('id').primaryKey(),
    articleSlug: text('article_slug').notNull(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    parentId: text('parent_id'),
    body: text('body').notNull(),
    html: text('html').notNull(),
    status: text('status', { enum: ['published', 'held', 'hidden', 'deleted'] }).notNull(),
    likeCount: integer('like_count').notNull().default(0),
    /** Reports not yet dealt with by the coach. */
    openReports: integer('open_reports').notNull().default(0),
    createdAt: createdAt(),
    editedAt: integer('edited_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    // A discussion's threads, newest first; per-article counts (covering).
    index('comments_article').on(table.articleSlug, table.parentId, table.createdAt),
    index('comments_article_status').on(table.articleSlug, table.status),
    index('comments_parent').on(table.parentId, table.createdAt),
    index('comments_user').on(table.userId, table.createdAt),
    index('comments_status').on(table.status, table.createdAt),
    index('comments_reported').on(table.openReports, table.createdAt),
  ],
);

export const commentLikes = sqliteTable(
  'comment_likes',
  {
    commentId: text('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.commentId, table.userId] })],
);

export const commentReports = sqliteTable(
  'comment_reports',
  {
    id: text('id').primaryKey(),
    commentId: text('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    reason: text('reason', { enum: ['spam', 'abuse', 'off-topic', 'other'] }).notNull(),
    note: text('note').notNull().default(''),
    createdAt: createdAt(),
    resolvedAt: integer('resolved_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    uniqueIndex('comment_reports_once').on(table.commentId, table.userId),
    index('comment_reports_open').on(table.resolvedAt, table.createdAt),
  ],
);

/** Every moderation action, who took it and on what. */
export const moderationLog = sqliteTable(
  'moderation_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: text('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    commentId: text('comment_id'),
    targetUserId: text('target_user_id'),
    note: text('note').notNull().default(''),
    createdAt: createdAt(),
  },
  (table) => [index('moderation_log_created').on(table.createdAt)],
);

/** The member's customer in Stripe, created on their first checkout and reused after. */
export const billingCustomers = sqliteTable(
  'billing_customers',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('billing_customers_stripe_unique').on(table.stripeCustomerId)],
);

/**
 * Our copy of each Stripe subscription, rewritten from Stripe's current state of the subscription
 * whenever an event about it arrives, so the order events arrive in does not matter.
 */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    stripeCustomerId: text('stripe_customer_id').notNull(),
    status: text('status').notNull(),
    priceId: text('price_id'),
    interval: text('interval'),
    currentPeriodEnd: integer('current_period_end', { mode: 'timestamp_ms' }),
    cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
    /** When we first saw a failed payment on it; the grace period counts from here. */
    pastDueSince: integer('past_due_since', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [index('subscriptions_user').on(table.userId), index('subscriptions_created').on(table.createdAt)],
);

/**
 * What a member may use, derived from their subscriptions in the same transaction that changes
 * them. Pages read this one row; `access_until` bounds a grace period or a missed cancellation.
 */
export const entitlements = sqliteTable('entitlements', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ['active', 'grace', 'ended'] }).notNull(),
  subscriptionId: text('subscription_id'),
  interval: text('interval'),
  accessUntil: integer('access_until', { mode: 'timestamp_ms' }),
  renewsAt: integer('renews_at', { mode: 'timestamp_ms' }),
  cancelAtPeriodEnd: integer('cancel_at_period_end', { mode: 'boolean' }).notNull().default(false),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

/** Every Stripe event handled, by its id: a redelivery finds its id here and changes nothing. */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  outcome: text('outcome').notNull(),
  createdAt: createdAt(),
});

/**
 * A draft follow-up a paying member sends to the coach. The coach answers with an edited version
 * and a comment; the member sees both beside their own.
 */
export const draftReviews = sqliteTable(
  'draft_reviews',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    opportunityId: text('opportunity_id')
      .notNull()
      .references(() => opportunities.id, { onDelete: 'cascade' }),
    step: text('step').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    note: text('note').notNull().default(''),
    status: text('status', { enum: ['pending', 'answered', 'withdrawn'] }).notNull(),
    reviewedSubject: text('reviewed_subject'),
    reviewedBody: text('reviewed_body'),
    coachComment: text('coach_comment'),
    reviewerId: text('reviewer_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    /** When the member last sent this draft (sending again replaces it): the version the coach answers. */
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    answeredAt: integer('answered_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    index('draft_reviews_queue').on(table.status, table.createdAt),
    index('draft_reviews_opportunity').on(table.opportunityId, table.createdAt),
    index('draft_reviews_user').on(table.userId, table.createdAt),
  ],
);

/**
 * Article views counted by the first-party beacon, rolled up per UTC day and article: no cookie,
 * no address and nothing about the reader is kept, only how many times each guide was read.
 */
export const articleViews = sqliteTable(
  'article_views',
  {
    day: text('day').notNull(),
    article: text('article').notNull(),
    views: integer('views').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.article] })],
);

/**
 * The funnel's daily rollup of closed UTC days, per article ('' for none): captures, confirmations,
 * new members and new paying members, recomputed from the source tables for the last week of
 * closed days at most once an hour (src/lib/funnel/counts.server.ts). Today is always counted live.
 */
export const funnelDaily = sqliteTable(
  'funnel_daily',
  {
    day: text('day').notNull(),
    article: text('article').notNull(),
    captures: integer('captures').notNull().default(0),
    confirmed: integer('confirmed').notNull().default(0),
    members: integer('members').notNull().default(0),
    paying: integer('paying').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.article] })],
);

/**
 * An email the coach writes to an audience (src/lib/marketing/broadcasts.server.ts). A draft can
 * change; once queued, its rendered HTML and text are fixed here and it is read-only.
 */
export const broadcasts = sqliteTable(
  'broadcasts',
  {
    id: text('id').primaryKey(),
    subject: text('subject').notNull().default(''),
    /** The preheader: the line inboxes show after the subject. */
    preview: text('preview').notNull().default(''),
    bodyMarkdown: text('body_markdown').notNull().default(''),
    /** Who it goes to (src/lib/marketing/audience.ts). */
    audience: text('audience', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: ['draft', 'scheduled', 'queueing', 'sending', 'sent'] })
      .notNull()
      .default('draft'),
    scheduledAt: integer('scheduled_at', { mode: 'timestamp_ms' }),
    /** The article it announces ("New article" drafts): one announcement per article. */
    articleSlug: text('article_slug'),
    /** Rendered once when queued, with a placeholder for each recipient's unsubscribe link. */
    html: text('html'),
    text: text('text'),
    recipients: integer('recipients'),
    queuedAt: integer('queued_at', { mode: 'timestamp_ms' }),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [
    index('broadcasts_due').on(table.status, table.scheduledAt),
    index('broadcasts_created').on(table.createdAt),
    uniqueIndex('broadcasts_article').on(table.articleSlug),
  ],
);

/**
 * The nurture sequence after the cheat sheet, as the coach edits it (src/lib/marketing/
 * sequence.server.ts). A step is never deleted, since a lead's place points at it; paused steps are
 * passed over. Edits apply to sends after them: queued messages keep the text they were given.
 */
export const sequenceSteps = sqliteTable(
  'sequence_steps',
  {
    id: text('id').primaryKey(),
    /** The delivery step carries the cheat sheet's download button; content steps are words only. */
    kind: text('kind', { enum: ['delivery', 'content'] })
      .notNull()
      .default('content'),
    position: integer('position').notNull(),
    /** Days after the lead confirmed. */
    delayDays: integer('delay_days').notNull(),
    subject: text('subject').notNull(),
    preview: text('preview').notNull().default(''),
    bodyMarkdown: text('body_markdown').notNull(),
    /** Still sent after the lead becomes a member (when their sequence switch is on). */
    forMembers: integer('for_members', { mode: 'boolean' }).notNull().default(true),
    pausedAt: integer('paused_at', { mode: 'timestamp_ms' }),
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (table) => [index('sequence_steps_position').on(table.position)],
);

/**
 * Addresses no marketing email goes to again: a hard bounce or a complaint reported by the
 * provider's webhook. Kept in clear (lower-cased), since the audience query joins on it.
 */
export const emailSuppressions = sqliteTable('email_suppressions', {
  email: text('email').primaryKey(),
  reason: text('reason', { enum: ['bounce', 'complaint'] }).notNull(),
  campaign: text('campaign'),
  detail: text('detail'),
  createdAt: createdAt(),
});

/**
 * Events the email provider reported (delivered, bounced, complained), by the webhook's message
 * id: a redelivery of the same event finds its row and changes nothing.
 */
export const emailEvents = sqliteTable(
  'email_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    email: text('email'),
    campaign: text('campaign'),
    providerMessageId: text('provider_message_id'),
    occurredAt: integer('occurred_at', { mode: 'timestamp_ms' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('email_events_campaign').on(table.campaign, table.type),
    index('email_events_email').on(table.email),
    index('email_events_created').on(table.createdAt),
  ],
);

/** What each broadcast and sequence step did, as counters that outlive the outbox's rows. */
export const campaignStats = sqliteTable('campaign_stats', {
  campaign: text('campaign').primaryKey(),
  sent: integer('sent').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  delivered: integer('delivered').notNull().default(0),
  bounced: integer('bounced').notNull().default(0),
  complained: integer('complained').notNull().default(0),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
});

/** Article views that came from an email's link, per day and campaign: counts, nothing of the reader. */
export const campaignViews = sqliteTable(
  'campaign_views',
  {
    day: text('day').notNull(),
    campaign: text('campaign').notNull(),
    views: integer('views').notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.day, table.campaign] })],
);
