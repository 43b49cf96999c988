CREATE TABLE `product_reviews` (
	`review_id` text PRIMARY KEY NOT NULL,
	`product_id` text NOT NULL,
	`rating` integer NOT NULL,
	`visible` integer NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `product_reviews_product_idx` ON `product_reviews` (`product_id`,`visible`);--> statement-breakpoint
ALTER TABLE `products` ADD `rating_histogram` text DEFAULT '[0,0,0,0,0]' NOT NULL;