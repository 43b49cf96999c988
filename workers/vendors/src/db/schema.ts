import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { VendorStatus } from "#lib/contracts/api/vendors.ts";

export { outbox, processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

export const vendors = sqliteTable(
  "vendors",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    status: text("status").$type<VendorStatus>().notNull(),
    ownerUserId: text("owner_user_id").notNull(),
    commissionBps: integer("commission_bps").notNull(),
    /** Stripe connected account, filled in by payments. */
    stripeAccountId: text("stripe_account_id"),
    /** A recount of vendor_reviews' visible rows, kept by the review.updated consumer. */
    ratingAvg: real("rating_avg").notNull().default(0),
    ratingCount: integer("rating_count").notNull().default(0),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("vendors_status_idx").on(t.status, t.id)],
);

/** A user belongs to at most one vendor (the primary key), as owner or staff. */
export const staff = sqliteTable(
  "vendor_staff",
  {
    userId: text("user_id").primaryKey(),
    vendorId: text("vendor_id").notNull(),
    email: text("email").notNull(),
    role: text("role").$type<"owner" | "staff">().notNull(),
    addedAt: text("added_at").notNull(),
  },
  (t) => [index("vendor_staff_vendor_idx").on(t.vendorId)],
);

export const statusHistory = sqliteTable(
  "vendor_status_history",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    vendorId: text("vendor_id").notNull(),
    fromStatus: text("from_status").$type<VendorStatus>(),
    toStatus: text("to_status").$type<VendorStatus>().notNull(),
    reason: text("reason"),
    actorId: text("actor_id").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("vendor_status_history_vendor_idx").on(t.vendorId)],
);

/** The newest copy of each review of the store's products (from review.updated): its rating is a recount of them. */
export const vendorReviews = sqliteTable(
  "vendor_reviews",
  {
    reviewId: text("review_id").primaryKey(),
    vendorId: text("vendor_id").notNull(),
    rating: integer("rating").notNull(),
    visible: integer("visible", { mode: "boolean" }).notNull(),
    version: integer("version").notNull(),
  },
  (t) => [index("vendor_reviews_vendor_idx").on(t.vendorId, t.visible)],
);
