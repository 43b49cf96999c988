CREATE TABLE `categories` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`parent_id` text,
	`path` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_slug_unique` ON `categories` (`slug`);--> statement-breakpoint
CREATE TABLE `product_images` (
	`id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`vendor_id` text NOT NULL,
	`r2_key` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`position` integer NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `product_images_product_idx` ON `product_images` (`product_id`,`position`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`processed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `products` (
	`id` text PRIMARY KEY NOT NULL,
	`doc_id` integer NOT NULL,
	`vendor_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`tags` text NOT NULL,
	`category_id` text NOT NULL,
	`category_path` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`min_price` integer NOT NULL,
	`in_stock` integer DEFAULT false NOT NULL,
	`rating_avg` real DEFAULT 0 NOT NULL,
	`rating_count` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_doc_id_unique` ON `products` (`doc_id`);--> statement-breakpoint
CREATE INDEX `products_vendor_idx` ON `products` (`vendor_id`,`id`);--> statement-breakpoint
CREATE INDEX `products_listing_idx` ON `products` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `products_price_idx` ON `products` (`status`,`min_price`,`id`);--> statement-breakpoint
CREATE INDEX `products_rating_idx` ON `products` (`status`,`rating_avg`,`id`);--> statement-breakpoint
CREATE INDEX `products_category_idx` ON `products` (`category_path`);--> statement-breakpoint
CREATE TABLE `variants` (
	`sku` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`vendor_id` text NOT NULL,
	`price` integer NOT NULL,
	`currency` text NOT NULL,
	`attributes` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`position` integer NOT NULL,
	`available` integer DEFAULT 0 NOT NULL,
	`stock_version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `variants_product_idx` ON `variants` (`product_id`,`position`);--> statement-breakpoint
CREATE TABLE `vendors` (
	`id` text PRIMARY KEY NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`updated_at` text NOT NULL
);
