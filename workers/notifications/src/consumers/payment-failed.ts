import { PaymentFailed } from "#lib/contracts/events/payments.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify } from "../services/notify.ts";
import { userRecipient } from "../services/recipients.ts";
import { storedOrder } from "../services/snapshots.ts";
import type { ConsumerContext } from "./context.ts";

/**
 * The event names only the order: its shopper comes from the stored snapshot,
 * and an order not seen yet retries the message. A canceled intent (the shopper
 * cancelled, or the payment window lapsed) is not a failed payment to report.
 */
export function onPaymentFailed({ env, t }: ConsumerContext): Consumer<typeof PaymentFailed> {
  return {
    event: PaymentFailed,
    async effect({ data }, db) {
      if (data.reason === "canceled") return [];
      const order = await storedOrder(db, data.orderId);
      if (!order) throw new Error(`order ${data.orderId} not known yet`);
      return notify(db, await userRecipient(env, order.userId), t.paymentFailed(data.orderId, data.reason));
    },
  };
}
