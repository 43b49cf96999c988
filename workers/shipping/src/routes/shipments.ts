import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getOrderTracking, listVendorShipments } from "#lib/contracts/api/shipping.ts";
import { createRoutes, requireActor, requireVendor } from "#lib/http/app.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { orders, shipments } from "../db/schema.ts";

export const shipmentRoutes = createRoutes<Env>()
  .openapi(getOrderTracking, async (c) => {
    const db = drizzle(c.env.DB);
    const { id } = c.req.valid("param");
    const [order] = await db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.id, id), eq(orders.userId, requireActor(c).sub)));
    if (!order) throw new ProblemError(404, "No such order of yours.");
    const rows = await db.select().from(shipments).where(eq(shipments.orderId, id)).orderBy(asc(shipments.id));
    const items = rows.map((s) => ({
      id: s.id,
      subOrderId: s.subOrderId,
      vendorId: s.vendorId,
      status: s.status,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      events: s.events,
    }));
    return c.json({ orderId: id, shipments: items }, 200);
  })
  .openapi(listVendorShipments, async (c) => {
    const { limit, cursor, status } = c.req.valid("query");
    const page = keyset([shipments.id], "desc", limit, cursor);
    const rows = await drizzle(c.env.DB)
      .select()
      .from(shipments)
      .where(
        and(eq(shipments.vendorId, requireVendor(c)), status ? eq(shipments.status, status) : undefined, page.after),
      )
      .orderBy(...page.orderBy)
      .limit(page.fetch);
    const { items, nextCursor } = page.pageOf(rows, (row) => [row.id]);
    return c.json({ items: items.map(({ userId: _u, version: _v, ...s }) => s), nextCursor }, 200);
  });
