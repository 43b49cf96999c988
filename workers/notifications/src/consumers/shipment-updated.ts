import type { BatchItem } from "drizzle-orm/batch";
import { ShipmentUpdated } from "#lib/contracts/events/shipping.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify } from "../services/notify.ts";
import { userRecipient } from "../services/recipients.ts";
import { isNewer, keepSnapshot } from "../services/snapshots.ts";
import type { ConsumerContext } from "./context.ts";

const ON_ITS_WAY = new Set(["shipped", "in_transit", "out_for_delivery", "delivered"]);

/** Shipped (with carrier and tracking number) and delivered, once each per sub-order; older versions are ignored. */
export function onShipmentUpdated({ env, t }: ConsumerContext): Consumer<typeof ShipmentUpdated> {
  return {
    event: ShipmentUpdated,
    async effect({ data }, db) {
      const { shipment, version } = data;
      if (!(await isNewer(db, "shipment", shipment.id, version))) return [];
      const statements: BatchItem<"sqlite">[] = [
        keepSnapshot(db, "shipment", shipment.id, version, shipment.userId, shipment),
      ];
      if (!ON_ITS_WAY.has(shipment.status)) return statements;
      const shopper = await userRecipient(env, shipment.userId);
      if (shipment.carrier && shipment.trackingNumber) {
        const shipped = t.orderShipped(
          shipment.orderId,
          shipment.subOrderId,
          shipment.carrier,
          shipment.trackingNumber,
        );
        statements.push(...(await notify(db, shopper, shipped)));
      }
      if (shipment.status === "delivered")
        statements.push(...(await notify(db, shopper, t.orderDelivered(shipment.orderId, shipment.subOrderId))));
      return statements;
    },
  };
}
