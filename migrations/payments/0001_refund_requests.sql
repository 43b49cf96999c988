CREATE TABLE `refund_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`sub_order_id` text,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`amount` integer NOT NULL,
	`vendor_part` integer NOT NULL,
	`reason` text,
	`status` text NOT NULL,
	`stripe_refund_id` text,
	`failure` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refund_requests_key_idx` ON `refund_requests` (`order_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `refund_requests_status_idx` ON `refund_requests` (`status`,`updated_at`);--> statement-breakpoint
ALTER TABLE `vendor_shares` ADD `reversal_pending` integer;--> statement-breakpoint
ALTER TABLE `vendor_shares` ADD `reversal_error` text;