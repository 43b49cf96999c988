import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { Order, OrderStatus, ShippingAddress, SubOrder, SubOrderStatus } from "#lib/contracts/api/orders.ts";

export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

/** Read model of orders for lists, kept from order.updated (the Order Durable Object is the owner). */
export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    status: text("status").$type<OrderStatus>().notNull(),
    version: integer("version").notNull(),
    snapshot: text("snapshot", { mode: "json" }).$type<Order>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("orders_user_idx").on(t.userId, t.id)],
);

export const subOrders = sqliteTable(
  "sub_orders",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    vendorId: text("vendor_id").notNull(),
    status: text("status").$type<SubOrderStatus>().notNull(),
    version: integer("version").notNull(),
    snapshot: text("snapshot", { mode: "json" }).$type<SubOrder>().notNull(),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<ShippingAddress>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("sub_orders_vendor_idx").on(t.vendorId, t.id), index("sub_orders_order_idx").on(t.orderId)],
);

/** Checkout's Idempotency-Key: the same key from the same shopper always means the same order. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    orderId: text("order_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);
