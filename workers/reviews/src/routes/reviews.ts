import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import { createReview, listProductReviews, reportReview, updateReview } from "#lib/contracts/api/reviews.ts";
import { type CatalogRpc, type OrdersRpc, rpc, type UsersRpc } from "#lib/contracts/rpc.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import * as lists from "../services/lists.ts";
import { report } from "../services/moderation.ts";
import * as reviews from "../services/reviews.ts";

/** Shoppers' side: reading, writing, editing and reporting reviews. */
export const reviewRoutes = createRoutes<Env>()
  .openapi(listProductReviews, async (c) => {
    const { sort, limit, cursor } = c.req.valid("query");
    return c.json(await lists.ofProduct(drizzle(c.env.DB), c.req.valid("param").id, sort, limit, cursor), 200);
  })
  .openapi(createReview, async (c) => {
    const actor = requireActor(c);
    const productId = c.req.valid("param").id;
    const product = await rpc<CatalogRpc>(c.env.CATALOG).product(productId);
    if (!product) throw new ProblemError(404, "No such product.");
    if (!(await rpc<OrdersRpc>(c.env.ORDERS).hasPurchased(actor.sub, productId)))
      throw new ProblemError(403, "Only a shopper who received this product may review it.", {
        type: "purchase-required",
      });
    const name = await authorName(c, actor.sub);
    const db = drizzle(c.env.DB);
    const review = await withOutbox(c.env, c.executionCtx, () =>
      reviews.create(db, actor, product, name, c.req.valid("json"), { traceId: c.get("traceId") }),
    );
    return c.json(review, 201);
  })
  .openapi(updateReview, async (c) => {
    const actor = requireActor(c);
    const db = drizzle(c.env.DB);
    const id = c.req.valid("param").id;
    // Checked before the profile call, so another user's review answers 404 whatever users says.
    await reviews.ownReview(db, actor.sub, id);
    const name = await authorName(c, actor.sub);
    const review = await withOutbox(c.env, c.executionCtx, () =>
      reviews.edit(db, actor, id, name, c.req.valid("json"), { traceId: c.get("traceId") }),
    );
    return c.json(review, 200);
  })
  .openapi(reportReview, async (c) => {
    const id = c.req.valid("param").id;
    await report(drizzle(c.env.DB), requireActor(c).sub, id, c.req.valid("json").reason);
    return c.json({ reviewId: id, reported: true as const }, 202);
  });

/** The name shown with a review, as the author's profile has it when the review is written. */
async function authorName(c: Context<{ Bindings: Env }>, userId: string): Promise<string> {
  const profile = await rpc<UsersRpc>(c.env.USERS).profile(userId);
  if (!profile) throw new ProblemError(404, "No such account.");
  return profile.name;
}
