import type { BatchItem } from "drizzle-orm/batch";
import { OrderUpdated } from "#lib/contracts/events/orders.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify, notifyVendor } from "../services/notify.ts";
import { userRecipient, vendorNames } from "../services/recipients.ts";
import { isNewer, keepSnapshot } from "../services/snapshots.ts";
import type { ConsumerContext } from "./context.ts";

/**
 * The newest snapshot of an order tells everything that happened to it (its
 * history keeps `paid`), so an older one arriving late is ignored. Paid: the
 * shopper's receipt and each store's new sub-order; shipped or delivered sub-orders
 * tell the shopper (the same facts as shipment.updated, under the same keys).
 */
export function onOrderUpdated({ env, t }: ConsumerContext): Consumer<typeof OrderUpdated> {
  return {
    event: OrderUpdated,
    async effect({ data }, db) {
      const { order, userId, version } = data;
      if (!(await isNewer(db, "order", order.id, version))) return [];
      const statements: BatchItem<"sqlite">[] = [keepSnapshot(db, "order", order.id, version, userId, order)];
      if (!order.history.some((h) => h.status === "paid")) return statements;
      const shopper = await userRecipient(env, userId);
      const names = await vendorNames(
        env,
        order.subOrders.map((s) => s.vendorId),
      );
      statements.push(...(await notify(db, shopper, t.orderReceipt(order, names))));
      for (const sub of order.subOrders) {
        statements.push(
          ...(await notifyVendor(env, db, sub.vendorId, () => t.vendorNewOrder(order, sub), {
            orderId: order.id,
            subOrder: sub,
            shippingAddress: order.shippingAddress,
          })),
        );
        if ((sub.status === "shipped" || sub.status === "delivered") && sub.carrier && sub.trackingNumber)
          statements.push(
            ...(await notify(db, shopper, t.orderShipped(order.id, sub.id, sub.carrier, sub.trackingNumber))),
          );
        if (sub.status === "delivered")
          statements.push(...(await notify(db, shopper, t.orderDelivered(order.id, sub.id))));
      }
      return statements;
    },
  };
}
