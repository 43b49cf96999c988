// The reviews domain's tables; `npm run db:generate` writes migrations/reviews/ from them.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ReviewStatus } from "#lib/contracts/api/reviews.ts";

export { outbox, processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

export const reviews = sqliteTable(
  "reviews",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    /** The product's store, from catalog when the review was written: whose staff may answer it. */
    vendorId: text("vendor_id").notNull(),
    userId: text("user_id").notNull(),
    authorName: text("author_name").notNull(),
    rating: integer("rating").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    status: text("status").$type<ReviewStatus>().notNull(),
    hiddenReason: text("hidden_reason"),
    /** Distinct users who reported it since it was last restored (a recount of review_reports). */
    reportCount: integer("report_count").notNull().default(0),
    replyBody: text("reply_body"),
    replyAt: text("reply_at"),
    /** Grows with every change; review.updated carries it so readers keep the newest copy. */
    version: integer("version").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("reviews_user_product_idx").on(t.userId, t.productId),
    index("reviews_product_idx").on(t.productId, t.status, t.id),
    index("reviews_product_rating_idx").on(t.productId, t.status, t.rating, t.id),
    index("reviews_vendor_idx").on(t.vendorId, t.id),
    index("reviews_moderation_idx").on(t.status, t.reportCount, t.id),
  ],
);

/** One row per user and review: a second report by the same user changes nothing. */
export const reports = sqliteTable(
  "review_reports",
  {
    reviewId: text("review_id").notNull(),
    userId: text("user_id").notNull(),
    reason: text("reason").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.reviewId, t.userId] })],
);
