import { drizzle } from "drizzle-orm/d1";
import { listVendorReviews, replyToReview } from "#lib/contracts/api/reviews.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import * as lists from "../services/lists.ts";
import { reply } from "../services/moderation.ts";

/** A store's side: the reviews of its own products and its answers. */
export const vendorReviewRoutes = createRoutes<Env>()
  .openapi(listVendorReviews, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await lists.ofVendor(drizzle(c.env.DB), requireVendor(c), limit, cursor), 200);
  })
  .openapi(replyToReview, async (c) => {
    const db = drizzle(c.env.DB);
    const review = await withOutbox(c.env, c.executionCtx, () =>
      reply(db, requireVendor(c), c.req.valid("param").id, c.req.valid("json").body, { traceId: c.get("traceId") }),
    );
    return c.json(review, 201);
  });
