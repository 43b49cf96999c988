import { OrderUpdated } from "#lib/contracts/events/orders.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { projectOrder } from "../services/projection.ts";

/** Keeps the order lists in step with the Order Durable Objects. */
export const onOrderUpdated: Consumer<typeof OrderUpdated> = {
  event: OrderUpdated,
  effect(event, db) {
    return projectOrder(db, event.data.userId, event.data.version, event.data.order);
  },
};
