import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import type { Order, Transition } from "#do/order.ts";
import { acceptVendorOrder, listVendorOrders, shipVendorOrder } from "#lib/contracts/api/orders.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import * as projection from "../services/projection.ts";

type Ctx = Context<{ Bindings: Env }>;

/** Runs a vendor's move on its sub-order, found through the read model (scoped to the vendor), applied by the order's owner. */
async function onSubOrder(
  c: Ctx,
  id: string,
  move: (stub: DurableObjectStub<Order>, vendorId: string) => Promise<Transition>,
) {
  const vendorId = requireVendor(c);
  const row = await projection.ownSubOrder(drizzle(c.env.DB), vendorId, id);
  const result: Transition = await move(c.env.ORDER.get(c.env.ORDER.idFromName(row.orderId)), vendorId);
  if (!result.ok)
    throw new ProblemError(409, `Not allowed now (${result.reason}).`, { type: "sub-order-transition-refused" });
  const sub = result.order.subOrders.find((s) => s.id === id);
  if (!sub) throw new ProblemError(404, "No such order for your store.");
  return c.json(
    projection.toVendorOrder({
      orderId: row.orderId,
      shippingAddress: result.order.shippingAddress,
      createdAt: result.order.createdAt,
      snapshot: sub,
    }),
    200,
  );
}

export const vendorOrderRoutes = createRoutes<Env>()
  .openapi(listVendorOrders, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    return c.json(await projection.listVendorOrders(drizzle(c.env.DB), requireVendor(c), status, limit, cursor), 200);
  })
  .openapi(acceptVendorOrder, (c) =>
    onSubOrder(c, c.req.valid("param").id, (stub, vendorId) => stub.accept(c.req.valid("param").id, vendorId)),
  )
  .openapi(shipVendorOrder, (c) => {
    const { id } = c.req.valid("param");
    const { carrier, trackingNumber } = c.req.valid("json");
    return onSubOrder(c, id, (stub, vendorId) => stub.ship(id, vendorId, carrier, trackingNumber));
  });
