import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { WebhookEventKind } from "#lib/contracts/api/vendor-webhooks.ts";

/** A vendor's own URL that receives signed events; the secret rests sealed (lib/crypto.ts seal). */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    vendorId: text("vendor_id").notNull(),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events", { mode: "json" }).$type<WebhookEventKind[]>().notNull(),
    secretSealed: text("secret_sealed").notNull(),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    disabledReason: text("disabled_reason"),
    /** Deliveries failed for good in a row; reset by a delivered one. */
    failureStreak: integer("failure_streak").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_vendor_idx").on(t.vendorId, t.createdAt)],
);

/**
 * One event for one endpoint. `dueAt` is the dispatch lease: null until it is
 * put on the vendor-webhooks queue, then when its message should arrive; the
 * sweeper re-enqueues a pending one whose lease is long past (a crash left it).
 * `round` grows on each redelivery, so a message of an earlier round is dropped.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    vendorId: text("vendor_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    kind: text("kind").$type<WebhookEventKind>().notNull(),
    /** The caller's idempotency key: one delivery per (endpoint, key). */
    key: text("key").notNull(),
    /** The exact JSON body sent on every attempt. */
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    round: integer("round").notNull().default(1),
    roundAttempts: integer("round_attempts").notNull().default(0),
    attemptCount: integer("attempt_count").notNull().default(0),
    dueAt: integer("due_at"),
    nextAttemptAt: text("next_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: text("delivered_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_key_idx").on(t.endpointId, t.key),
    index("webhook_deliveries_vendor_idx").on(t.vendorId, t.createdAt, t.id),
    index("webhook_deliveries_due_idx").on(t.status, t.dueAt),
  ],
);

/** Every attempt to send a delivery, for the vendor's delivery log. */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id").notNull(),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    statusCode: integer("status_code"),
    durationMs: integer("duration_ms").notNull(),
    error: text("error"),
    nextRetryAt: text("next_retry_at"),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);
