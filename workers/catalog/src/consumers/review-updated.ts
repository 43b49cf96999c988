import { eq, sql } from "drizzle-orm";
import { ReviewUpdated } from "#lib/contracts/events/reviews.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { productReviews, products } from "../db/schema.ts";

/**
 * Keeps the newest copy of the review (an older version changes nothing), then
 * recounts the product's rating from the copies in the same batch: exact whatever
 * the delivery order or duplication.
 */
export const onReviewUpdated: Consumer<typeof ReviewUpdated> = {
  event: ReviewUpdated,
  effect(event, db) {
    const { version, review } = event.data;
    const copy = { reviewId: review.id, productId: review.productId, rating: review.rating, visible: review.visible };
    const visible = sql`FROM ${productReviews} WHERE ${productReviews.productId} = ${review.productId} AND ${productReviews.visible} = 1`;
    const stars = (n: number) => sql`(SELECT COUNT(*) ${visible} AND ${productReviews.rating} = ${n})`;
    return [
      db
        .insert(productReviews)
        .values({ ...copy, version })
        .onConflictDoUpdate({
          target: productReviews.reviewId,
          set: { ...copy, version },
          setWhere: sql`${productReviews.version} < excluded.version`,
        }),
      db
        .update(products)
        .set({
          ratingAvg: sql`(SELECT COALESCE(ROUND(AVG(${productReviews.rating}), 2), 0) ${visible})`,
          ratingCount: sql`(SELECT COUNT(*) ${visible})`,
          ratingHistogram: sql`json_array(${stars(1)}, ${stars(2)}, ${stars(3)}, ${stars(4)}, ${stars(5)})`,
        })
        .where(eq(products.id, review.productId)),
    ];
  },
};
