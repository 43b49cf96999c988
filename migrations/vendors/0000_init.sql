CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`envelope` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `outbox_unsent_idx` ON `outbox` (`sent_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `vendor_staff` (
	`user_id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`added_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vendor_staff_vendor_idx` ON `vendor_staff` (`vendor_id`);--> statement-breakpoint
CREATE TABLE `vendor_status_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vendor_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`reason` text,
	`actor_id` text NOT NULL,
	`at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vendor_status_history_vendor_idx` ON `vendor_status_history` (`vendor_id`);--> statement-breakpoint
CREATE TABLE `vendors` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`status` text NOT NULL,
	`owner_user_id` text NOT NULL,
	`commission_bps` integer NOT NULL,
	`stripe_account_id` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vendors_slug_unique` ON `vendors` (`slug`);--> statement-breakpoint
CREATE INDEX `vendors_status_idx` ON `vendors` (`status`,`id`);