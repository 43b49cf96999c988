import { drizzle } from "drizzle-orm/d1";
import { adminListReviews, hideReview, restoreReview } from "#lib/contracts/api/reviews.ts";
import { createRoutes } from "#lib/http/app.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import * as lists from "../services/lists.ts";
import { hide, restore } from "../services/moderation.ts";

/** Administrators' moderation queue and decisions. */
export const adminReviewRoutes = createRoutes<Env>()
  .openapi(adminListReviews, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    return c.json(await lists.forModeration(drizzle(c.env.DB), status, limit, cursor), 200);
  })
  .openapi(hideReview, async (c) => {
    const db = drizzle(c.env.DB);
    const review = await withOutbox(c.env, c.executionCtx, () =>
      hide(db, c.req.valid("param").id, c.req.valid("json").reason, { traceId: c.get("traceId") }),
    );
    return c.json(review, 200);
  })
  .openapi(restoreReview, async (c) => {
    const db = drizzle(c.env.DB);
    const review = await withOutbox(c.env, c.executionCtx, () =>
      restore(db, c.req.valid("param").id, { traceId: c.get("traceId") }),
    );
    return c.json(review, 200);
  });
