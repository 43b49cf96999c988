CREATE TABLE `carrier_events` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`version` integer NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE `shipment_changes` (
	`shipment_id` text NOT NULL,
	`version` integer NOT NULL,
	`event_id` text NOT NULL,
	`at` text NOT NULL,
	PRIMARY KEY(`shipment_id`, `version`)
);
--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`sub_order_id` text NOT NULL,
	`vendor_id` text NOT NULL,
	`user_id` text NOT NULL,
	`status` text NOT NULL,
	`carrier` text,
	`tracking_number` text,
	`events` text NOT NULL,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipments_sub_order_id_unique` ON `shipments` (`sub_order_id`);--> statement-breakpoint
CREATE INDEX `shipments_order_idx` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE INDEX `shipments_vendor_idx` ON `shipments` (`vendor_id`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_vendor_status_idx` ON `shipments` (`vendor_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_tracking_idx` ON `shipments` (`tracking_number`);--> statement-breakpoint
CREATE TABLE `shipping_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`name` text NOT NULL,
	`currency` text NOT NULL,
	`zones` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipping_profiles_vendor_currency_idx` ON `shipping_profiles` (`vendor_id`,`currency`);