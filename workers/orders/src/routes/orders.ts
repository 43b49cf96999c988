import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { PlacedOrder, Transition } from "#do/order.ts";
import { cancelOrder, checkout, getOrder, listOrders } from "#lib/contracts/api/orders.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { placeOrder } from "../services/checkout.ts";
import * as projection from "../services/projection.ts";

/** The caller's order, from its Durable Object; anyone else's is a 404. */
async function ownOrder(c: Context<{ Bindings: Env }>, id: string) {
  const stub = c.env.ORDER.get(c.env.ORDER.idFromName(id));
  const placed: PlacedOrder | null = await stub.get();
  if (!placed || placed.rejected || placed.userId !== requireActor(c).sub)
    throw new ProblemError(404, "No such order.");
  return { stub, order: placed.order };
}

export const orderRoutes = createRoutes<Env>()
  .openapi(checkout, async (c) => {
    const actor = requireActor(c);
    const placed = await placeOrder(drizzle(c.env.DB), c.env, {
      userId: actor.sub,
      idempotencyKey: c.req.valid("header")["idempotency-key"],
      body: c.req.valid("json"),
      traceId: c.get("traceId"),
    });
    return c.json(placed, 201);
  })
  .openapi(listOrders, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await projection.listOrders(drizzle(c.env.DB), requireActor(c).sub, limit, cursor), 200);
  })
  .openapi(getOrder, async (c) => c.json((await ownOrder(c, c.req.valid("param").id)).order, 200))
  .openapi(cancelOrder, async (c) => {
    const { stub } = await ownOrder(c, c.req.valid("param").id);
    const result: Transition = await stub.cancel();
    if (!result.ok)
      throw new ProblemError(409, `The order can no longer be cancelled (${result.reason}).`, {
        type: "order-not-cancellable",
      });
    return c.json(result.order, 200);
  });
