CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`envelope` text NOT NULL,
	`queue` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`first_failed_at` integer NOT NULL,
	`dead_at` integer,
	`replayed_at` integer,
	`replay_count` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_dead_idx` ON `dead_letters` (`dead_at`,`id`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`processed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vendor_reviews` (
	`review_id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`rating` integer NOT NULL,
	`visible` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `vendor_reviews_vendor_idx` ON `vendor_reviews` (`vendor_id`,`visible`);--> statement-breakpoint
ALTER TABLE `vendors` ADD `rating_avg` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `vendors` ADD `rating_count` integer DEFAULT 0 NOT NULL;