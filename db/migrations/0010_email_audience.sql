CREATE TABLE `broadcasts` (
	`id` text PRIMARY KEY NOT NULL,
	`subject` text DEFAULT '' NOT NULL,
	`preview` text DEFAULT '' NOT NULL,
	`body_markdown` text DEFAULT '' NOT NULL,
	`audience` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`scheduled_at` integer,
	`article_slug` text,
	`html` text,
	`text` text,
	`recipients` integer,
	`queued_at` integer,
	`finished_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `broadcasts_due` ON `broadcasts` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE INDEX `broadcasts_created` ON `broadcasts` (`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `broadcasts_article` ON `broadcasts` (`article_slug`);--> statement-breakpoint
CREATE TABLE `campaign_stats` (
	`campaign` text PRIMARY KEY NOT NULL,
	`sent` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`bounced` integer DEFAULT 0 NOT NULL,
	`complained` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `campaign_views` (
	`day` text NOT NULL,
	`campaign` text NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `campaign`)
);
--> statement-breakpoint
CREATE TABLE `email_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`email` text,
	`campaign` text,
	`provider_message_id` text,
	`occurred_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `email_events_campaign` ON `email_events` (`campaign`,`type`);--> statement-breakpoint
CREATE INDEX `email_events_email` ON `email_events` (`email`);--> statement-breakpoint
CREATE INDEX `email_events_created` ON `email_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `email_suppressions` (
	`email` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`campaign` text,
	`detail` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sequence_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text DEFAULT 'content' NOT NULL,
	`position` integer NOT NULL,
	`delay_days` integer NOT NULL,
	`subject` text NOT NULL,
	`preview` text DEFAULT '' NOT NULL,
	`body_markdown` text NOT NULL,
	`for_members` integer DEFAULT true NOT NULL,
	`paused_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sequence_steps_position` ON `sequence_steps` (`position`);--> statement-breakpoint
ALTER TABLE `leads` ADD `sequence_step_id` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `newsletter_consent` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `leads_audience` ON `leads` (`status`,`newsletter_consent`,`source_article`,`created_at`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `campaign` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `batch_key` text;--> statement-breakpoint
CREATE INDEX `outbox_single_due` ON `outbox` (`status`,`next_attempt_at`) WHERE batch_key IS NULL;--> statement-breakpoint
CREATE INDEX `outbox_batch_due` ON `outbox` (`status`,`next_attempt_at`) WHERE batch_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `outbox_batch` ON `outbox` (`batch_key`,`status`);--> statement-breakpoint
CREATE INDEX `outbox_campaign` ON `outbox` (`campaign`,`status`);--> statement-breakpoint
ALTER TABLE `users` ADD `email_sequence` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `signup_campaign` text;--> statement-breakpoint
CREATE INDEX `users_created_campaign` ON `users` (`created_at`,`signup_campaign`);