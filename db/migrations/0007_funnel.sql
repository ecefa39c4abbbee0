CREATE TABLE `article_views` (
	`day` text NOT NULL,
	`article` text NOT NULL,
	`views` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `article`)
);
--> statement-breakpoint
CREATE TABLE `funnel_daily` (
	`day` text NOT NULL,
	`article` text NOT NULL,
	`captures` integer DEFAULT 0 NOT NULL,
	`confirmed` integer DEFAULT 0 NOT NULL,
	`members` integer DEFAULT 0 NOT NULL,
	`paying` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `article`)
);
--> statement-breakpoint
CREATE INDEX `leads_created_article` ON `leads` (`created_at`,`source_article`);--> statement-breakpoint
CREATE INDEX `leads_confirmed_article` ON `leads` (`confirmed_at`,`source_article`);--> statement-breakpoint
CREATE INDEX `leads_user` ON `leads` (`user_id`);--> statement-breakpoint
CREATE INDEX `subscriptions_created` ON `subscriptions` (`created_at`);--> statement-breakpoint
CREATE INDEX `users_created` ON `users` (`created_at`);