import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { NotificationKind } from "#lib/contracts/api/notifications.ts";

// The notifications domain's tables; `npm run db:generate` writes migrations/notifications/ from them.
export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

/**
 * The newest copy of each versioned snapshot (orders, shipments, reviews): an older
 * version arriving late changes nothing, and payment and refund events find the
 * order's shopper and vendors here.
 */
export const snapshots = sqliteTable(
  "snapshots",
  {
    entity: text("entity").$type<"order" | "shipment" | "review">().notNull(),
    id: text("id").notNull(),
    version: integer("version").notNull(),
    userId: text("user_id").notNull(),
    data: text("data", { mode: "json" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.entity, t.id] })],
);

/** The in-app inbox. `key` names the fact (`order_receipt:<orderId>`): one item per fact and recipient. */
export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    key: text("key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    link: text("link"),
    readAt: text("read_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("notifications_user_key_idx").on(t.userId, t.key),
    index("notifications_user_idx").on(t.userId, t.id),
  ],
);

export type DeliveryStatus = "pending" | "sent" | "failed";

/**
 * One email per fact and recipient. Written `pending` in the consumer's batch and
 * sent after it commits; its id is the provider's Idempotency-Key, so a resend
 * after a crash never mails twice. The content is dropped once sent (it may hold a token).
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    key: text("key").notNull(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text"),
    html: text("html"),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (t) => [
    uniqueIndex("deliveries_user_key_idx").on(t.userId, t.key),
    index("deliveries_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** Kinds a user turned off (or back on); a kind without a row is on. Transactional kinds never have one. */
export const preferences = sqliteTable(
  "preferences",
  {
    userId: text("user_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);
export { webhookAttempts, webhookDeliveries, webhookEndpoints } from "../webhooks/schema.ts";
