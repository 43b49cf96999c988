import type { Order } from "#do/order.ts";
import { ShipmentUpdated } from "#lib/contracts/events/shipping.ts";
import { log } from "#lib/http/log.ts";
import type { Consumer } from "#lib/queue/consume.ts";

/**
 * A shipment's newest snapshot: a delivered one marks its sub-order delivered.
 * The Order Durable Object keeps each shipment's version, so a replay, a
 * duplicate or an older snapshot arriving late changes nothing.
 */
export function shipmentConsumer(ns: DurableObjectNamespace<Order>): Consumer<typeof ShipmentUpdated> {
  return {
    event: ShipmentUpdated,
    async effect(event) {
      const { version, shipment } = event.data;
      const outcome = await ns
        .get(ns.idFromName(shipment.orderId))
        .markShipment(shipment.subOrderId, shipment.vendorId, version, shipment.status);
      if (!outcome.ok)
        log("warn", "orders", {
          msg: "shipment not applied",
          subOrderId: shipment.subOrderId,
          status: shipment.status,
          reason: outcome.reason,
          traceId: event.traceId,
        });
      return [];
    },
  };
}
