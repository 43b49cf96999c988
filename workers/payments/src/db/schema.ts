import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export { outbox, processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

export type PaymentStatus = "requires_payment_method" | "processing" | "succeeded" | "failed" | "canceled";

/** One PaymentIntent per order, on the platform account. */
export const payments = sqliteTable("payments", {
  orderId: text("order_id").primaryKey(),
  intentId: text("intent_id").notNull().unique(),
  chargeId: text("charge_id"),
  amount: integer("amount").notNull(),
  currency: text("currency").notNull(),
  status: text("status").$type<PaymentStatus>().notNull(),
  amountRefunded: integer("amount_refunded").notNull().default(0),
  /** A dispute freezes the order's transfers. */
  disputed: integer("disputed", { mode: "boolean" }).notNull().default(false),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** held: owed, not paid out yet; transferred: paid out; frozen: disputed; closed: fully refunded before payout. */
export type ShareStatus = "held" | "transferred" | "frozen" | "closed";

/** Each vendor's part of a paid order: what it sold, the commission kept, and its transfer. */
export const shares = sqliteTable(
  "vendor_shares",
  {
    subOrderId: text("sub_order_id").primaryKey(),
    orderId: text("order_id").notNull(),
    vendorId: text("vendor_id").notNull(),
    currency: text("currency").notNull(),
    gross: integer("gross").notNull(),
    commission: integer("commission").notNull(),
    refunded: integer("refunded").notNull().default(0),
    reversed: integer("reversed").notNull().default(0),
    status: text("status").$type<ShareStatus>().notNull(),
    transferId: text("transfer_id"),
    /** A reversal asked of Stripe and not recorded yet: retried with the same amount and key. */
    reversalPending: integer("reversal_pending"),
    /** Why Stripe last refused a reversal; the ledger then shows what the vendor owes. */
    reversalError: text("reversal_error"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("vendor_shares_vendor_idx").on(t.vendorId, t.status), index("vendor_shares_order_idx").on(t.orderId)],
);

/** The vendor's payouts ledger: what the platform owes it goes up (+) or down (-). */
export const ledger = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    vendorId: text("vendor_id").notNull(),
    orderId: text("order_id").notNull(),
    subOrderId: text("sub_order_id").notNull(),
    kind: text("kind")
      .$type<"sale" | "commission" | "transfer" | "refund" | "commission_refund" | "reversal">()
      .notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reference: text("reference"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("ledger_vendor_idx").on(t.vendorId, t.id)],
);

export const refunds = sqliteTable("refunds", {
  id: text("id").primaryKey(),
  orderId: text("order_id").notNull(),
  subOrderId: text("sub_order_id"),
  amount: integer("amount").notNull(),
  reversal: integer("reversal").notNull(),
  reason: text("reason"),
  createdAt: text("created_at").notNull(),
});

export type RefundRequestStatus = "pending" | "succeeded" | "failed";

/**
 * Every refund asked for, reserved against the share and the payment before
 * Stripe is called (so concurrent requests can never refund more than was paid),
 * then settled: succeeded (recorded in `refunds` and the ledger) or failed (the
 * reservation released, the answer kept so a retry with the key gets it again).
 */
export const refundRequests = sqliteTable(
  "refund_requests",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull(),
    subOrderId: text("sub_order_id"),
    /** The client's Idempotency-Key, or the consumer's own key for refunds an order asked for. */
    idempotencyKey: text("idempotency_key").notNull(),
    requestHash: text("request_hash").notNull(),
    amount: integer("amount").notNull(),
    /** What the vendor gives back of `amount` (the rest is commission the platform returns). */
    vendorPart: integer("vendor_part").notNull(),
    reason: text("reason"),
    status: text("status").$type<RefundRequestStatus>().notNull(),
    stripeRefundId: text("stripe_refund_id"),
    /** The problem answered when Stripe refused it: `{status, type, detail}`. */
    failure: text("failure", { mode: "json" }).$type<{ status: number; type: string; detail: string }>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("refund_requests_key_idx").on(t.orderId, t.idempotencyKey),
    index("refund_requests_status_idx").on(t.status, t.updatedAt),
  ],
);

/** Connected accounts of vendors, mirrored from Stripe (account.updated). */
export const accounts = sqliteTable("connected_accounts", {
  vendorId: text("vendor_id").primaryKey(),
  accountId: text("account_id").notNull().unique(),
  payoutsEnabled: integer("payouts_enabled", { mode: "boolean" }).notNull().default(false),
  updatedAt: text("updated_at").notNull(),
});

/** Stripe event ids already handled; kept 30 days (Stripe retries for 3). */
export const webhookEvents = sqliteTable("webhook_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  receivedAt: integer("received_at").notNull(),
});
