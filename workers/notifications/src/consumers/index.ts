import type { Consumer } from "#lib/queue/consume.ts";
import type { ConsumerContext } from "./context.ts";
import { onOrderUpdated } from "./order-updated.ts";
import { onPaymentFailed } from "./payment-failed.ts";
import { onRefundSucceeded } from "./refund-succeeded.ts";
import { onReviewUpdated } from "./review-updated.ts";
import { onShipmentUpdated } from "./shipment-updated.ts";
import { onTransferCreated } from "./transfer-created.ts";
import { userConsumers } from "./user-events.ts";
import { vendorConsumers } from "./vendor-events.ts";

/** Every event routed to "notifications-inbox" (lib/contracts/events/routing.ts), one consumer each. */
export function consumers(ctx: ConsumerContext): Consumer[] {
  return [
    ...userConsumers(ctx),
    ...vendorConsumers(ctx),
    onOrderUpdated(ctx),
    onPaymentFailed(ctx),
    onRefundSucceeded(ctx),
    onTransferCreated(ctx),
    onShipmentUpdated(ctx),
    onReviewUpdated(ctx),
  ] as Consumer[];
}
