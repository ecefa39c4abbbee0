ALTER TABLE `outbox` ADD `user_id` text;--> statement-breakpoint
ALTER TABLE `outbox` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `outbox` ADD `erased_at` integer;--> statement-breakpoint
CREATE INDEX `outbox_user` ON `outbox` (`user_id`);--> statement-breakpoint
CREATE INDEX `outbox_erase_due` ON `outbox` (`erased_at`,`expires_at`);--> statement-breakpoint
CREATE INDEX `outbox_created` ON `outbox` (`created_at`);--> statement-breakpoint
UPDATE `outbox` SET `expires_at` = `created_at` + CASE `kind`
	WHEN 'auth.login' THEN 900000
	WHEN 'auth.reset' THEN 3600000
	WHEN 'auth.verify' THEN 172800000
	WHEN 'lead.confirm' THEN 172800000
	WHEN 'lead.delivery' THEN 604800000
	ELSE 2592000000
END;--> statement-breakpoint
UPDATE `outbox` SET `user_id` = (SELECT `id` FROM `users` WHERE `users`.`email` = `outbox`.`to_address`) WHERE `kind` NOT LIKE 'lead.%';
