// The shipping domain's tables; `npm run db:generate` writes migrations/shipping/ from them.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ShipmentStatus, ShippingZone, TrackingEvent } from "#lib/contracts/api/shipping.ts";

export { outbox, processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

/** A store's rates in one currency: at most one profile per currency and store. */
export const shippingProfiles = sqliteTable(
  "shipping_profiles",
  {
    id: text("id").primaryKey(),
    vendorId: text("vendor_id").notNull(),
    name: text("name").notNull(),
    currency: text("currency").notNull(),
    zones: text("zones", { mode: "json" }).$type<ShippingZone[]>().notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("shipping_profiles_vendor_currency_idx").on(t.vendorId, t.currency)],
);

/** The newest order.updated seen of each order: older snapshots are ignored; its owner sees its tracking. */
export const orders = sqliteTable("orders", {
  id: text("id").primaryKey(),
  userId: text("user_id").notNull(),
  version: integer("version").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const shipments = sqliteTable(
  "shipments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    subOrderId: text("sub_order_id").notNull().unique(),
    vendorId: text("vendor_id").notNull(),
    userId: text("user_id").notNull(),
    status: text("status").$type<ShipmentStatus>().notNull(),
    carrier: text("carrier"),
    trackingNumber: text("tracking_number"),
    /** The timeline, sorted by when each step happened. */
    events: text("events", { mode: "json" }).$type<TrackingEvent[]>().notNull(),
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("shipments_order_idx").on(t.orderId),
    index("shipments_vendor_idx").on(t.vendorId, t.id),
    index("shipments_vendor_status_idx").on(t.vendorId, t.status, t.id),
    index("shipments_tracking_idx").on(t.trackingNumber),
  ],
);

/**
 * One row per shipment version, in the batch that makes it. Two writers that
 * read the same version cannot both commit the next: the loser's batch fails
 * whole (and is retried), so each change publishes exactly one shipment.updated.
 */
export const shipmentChanges = sqliteTable(
  "shipment_changes",
  {
    shipmentId: text("shipment_id").notNull(),
    version: integer("version").notNull(),
    eventId: text("event_id").notNull(),
    at: text("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shipmentId, t.version] })],
);

/** Carrier events applied, by `<carrier>:<event id>`: a replay changes nothing. */
export const carrierEvents = sqliteTable("carrier_events", {
  id: text("id").primaryKey(),
  shipmentId: text("shipment_id").notNull(),
  receivedAt: text("received_at").notNull(),
});
