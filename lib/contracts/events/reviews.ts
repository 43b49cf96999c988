import { z } from "zod";
import { defineEvent } from "./envelope.ts";

/** A review as the other domains see it: enough to keep rating aggregates and to tell the people concerned. */
export const ReviewSnapshot = z.object({
  id: z.string(),
  productId: z.string(),
  vendorId: z.string(),
  userId: z.string(),
  rating: z.number().int().min(1).max(5),
  title: z.string(),
  /** Hidden reviews count in no aggregate. */
  visible: z.boolean(),
  reply: z.object({ body: z.string(), at: z.string() }).nullable(),
  createdAt: z.string(),
});
export type ReviewSnapshot = z.infer<typeof ReviewSnapshot>;

/**
 * The whole review after any change (written, edited, replied to, hidden, restored).
 * `version` grows with every change: a reader keeps the newest copy whatever the
 * delivery order, so an aggregate is a recount of the newest copies.
 */
export const ReviewUpdated = defineEvent(
  "review.updated",
  1,
  z.object({ version: z.number().int(), review: ReviewSnapshot }),
);
