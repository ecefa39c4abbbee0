CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`opportunity_id` text NOT NULL,
	`user_id` text NOT NULL,
	`at` integer NOT NULL,
	`decision_by` text,
	`timing_note` text DEFAULT '' NOT NULL,
	`specific_detail` text DEFAULT '' NOT NULL,
	`value_idea` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`opportunity_id`) REFERENCES `opportunities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `conversations_opportunity` ON `conversations` (`opportunity_id`,`at`);--> statement-breakpoint
CREATE INDEX `conversations_user` ON `conversations` (`user_id`);--> statement-breakpoint
CREATE TABLE `opportunities` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`company` text NOT NULL,
	`role_title` text DEFAULT '' NOT NULL,
	`contact_name` text NOT NULL,
	`contact_role` text DEFAULT '' NOT NULL,
	`contact_email` text DEFAULT '' NOT NULL,
	`stage` text DEFAULT 'open' NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`archived_at` integer,
	`plan_state` text DEFAULT 'empty' NOT NULL,
	`plan_step` text,
	`plan_precision` text,
	`plan_earliest_at` integer,
	`plan_due_at` integer,
	`plan_reason` text DEFAULT '' NOT NULL,
	`reminded_key` text,
	`last_activity_at` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `opportunities_user_due` ON `opportunities` (`user_id`,`archived_at`,`plan_due_at`);--> statement-breakpoint
CREATE INDEX `opportunities_user_activity` ON `opportunities` (`user_id`,`last_activity_at`);--> statement-breakpoint
CREATE INDEX `opportunities_due` ON `opportunities` (`plan_due_at`);--> statement-breakpoint
CREATE TABLE `touches` (
	`id` text PRIMARY KEY NOT NULL,
	`opportunity_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`step` text,
	`at` integer NOT NULL,
	`decision_by` text,
	`subject` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`opportunity_id`) REFERENCES `opportunities`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `touches_opportunity` ON `touches` (`opportunity_id`,`at`);--> statement-breakpoint
CREATE INDEX `touches_user` ON `touches` (`user_id`);--> statement-breakpoint
CREATE TABLE `tracker_settings` (
	`user_id` text PRIMARY KEY NOT NULL,
	`calendar_token_hash` text,
	`last_reminder_on` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracker_settings_calendar` ON `tracker_settings` (`calendar_token_hash`);