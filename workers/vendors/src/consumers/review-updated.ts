import { eq, sql } from "drizzle-orm";
import { ReviewUpdated } from "#lib/contracts/events/reviews.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { vendorReviews, vendors } from "../db/schema.ts";

/**
 * Keeps the newest copy of the review (an older version changes nothing), then
 * recounts the store's rating from the copies in the same batch, so it is exact
 * whatever the delivery order or duplication.
 */
export const onReviewUpdated: Consumer<typeof ReviewUpdated> = {
  event: ReviewUpdated,
  effect(event, db) {
    const { version, review } = event.data;
    const copy = { reviewId: review.id, vendorId: review.vendorId, rating: review.rating, visible: review.visible };
    const visible = sql`FROM ${vendorReviews} WHERE ${vendorReviews.vendorId} = ${review.vendorId} AND ${vendorReviews.visible} = 1`;
    return [
      db
        .insert(vendorReviews)
        .values({ ...copy, version })
        .onConflictDoUpdate({
          target: vendorReviews.reviewId,
          set: { ...copy, version },
          setWhere: sql`${vendorReviews.version} < excluded.version`,
        }),
      db
        .update(vendors)
        .set({
          ratingAvg: sql`(SELECT COALESCE(ROUND(AVG(${vendorReviews.rating}), 2), 0) ${visible})`,
          ratingCount: sql`(SELECT COUNT(*) ${visible})`,
        })
        .where(eq(vendors.id, review.vendorId)),
    ];
  },
};
