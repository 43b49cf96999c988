import { eq, lt } from "drizzle-orm";
import type { Order, SubOrder } from "#lib/contracts/api/orders.ts";
import { OrderUpdated } from "#lib/contracts/events/orders.ts";
import { newId } from "#lib/contracts/ids.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { orders, shipments } from "../db/schema.ts";
import { changeShipment, type ShipmentRow } from "../services/shipments.ts";

type Wanted = Omit<ShipmentRow, "version" | "updatedAt">;

/**
 * The newest snapshot of each order decides its shipments (an older one arriving
 * late is ignored): a paid order opens one per sub-order, a shipped sub-order
 * ships its shipment, one cancelled or refunded before shipping closes it.
 */
export const onOrderUpdated: Consumer<typeof OrderUpdated> = {
  event: OrderUpdated,
  async effect(event, db) {
    const { order, userId, version } = event.data;
    const [known] = await db.select().from(orders).where(eq(orders.id, order.id));
    if (known && known.version >= version) return [];
    const now = new Date().toISOString();
    const seen = db
      .insert(orders)
      .values({ id: order.id, userId, version, updatedAt: now })
      .onConflictDoUpdate({
        target: orders.id,
        set: { version, updatedAt: now },
        setWhere: lt(orders.version, version),
      });
    const existing = await db.select().from(shipments).where(eq(shipments.orderId, order.id));
    const changes = order.subOrders.flatMap((sub) => {
      const before = existing.find((s) => s.subOrderId === sub.id);
      const after = wanted(before, sub, order, userId, event.occurredAt);
      return after ? changeShipment(db, before, after, event.traceId) : [];
    });
    return [seen, ...changes];
  },
};

/** What the sub-order asks of its shipment, or nothing when it asks no change. */
function wanted(
  before: ShipmentRow | undefined,
  sub: SubOrder,
  order: Order,
  userId: string,
  at: string,
): Wanted | undefined {
  if (order.status === "awaiting_payment") return undefined;
  const closed = sub.status === "cancelled" || sub.status === "refunded";
  const shipped = (sub.status === "shipped" || sub.status === "delivered") && sub.carrier && sub.trackingNumber;
  if (before && before.status !== "awaiting_shipment") return undefined;
  if (!before && closed) return undefined;
  const base: Wanted = before ?? {
    id: newId("shipment"),
    orderId: order.id,
    subOrderId: sub.id,
    vendorId: sub.vendorId,
    userId,
    status: "awaiting_shipment",
    carrier: null,
    trackingNumber: null,
    events: [],
    createdAt: at,
  };
  if (closed) {
    const note = { status: "cancelled" as const, at, location: null, description: `sub-order ${sub.status}` };
    return { ...base, status: "cancelled", events: [...base.events, note] };
  }
  if (shipped) {
    const step = { status: "shipped" as const, at, location: null, description: `handed to ${sub.carrier}` };
    return {
      ...base,
      status: "shipped",
      carrier: sub.carrier,
      trackingNumber: sub.trackingNumber,
      events: [...base.events, step],
    };
  }
  return before ? undefined : base;
}
