import type { Order } from "#do/order.ts";
import { PaymentFailed, PaymentSucceeded, RefundRefused, RefundSucceeded } from "#lib/contracts/events/payments.ts";
import type { Consumer } from "#lib/queue/consume.ts";

/**
 * Payment outcomes drive the order's saga. The Order Durable Object's guarded
 * transitions make a replay, or an event for a cancelled order, harmless.
 */
export function paymentConsumers(ns: DurableObjectNamespace<Order>): Consumer[] {
  const orderOf = (orderId: string) => ns.get(ns.idFromName(orderId));
  const succeeded: Consumer<typeof PaymentSucceeded> = {
    event: PaymentSucceeded,
    async effect(event) {
      const { orderId, paymentId, amount, currency } = event.data;
      await orderOf(orderId).markPaid(paymentId, amount, currency);
      return [];
    },
  };
  const failed: Consumer<typeof PaymentFailed> = {
    event: PaymentFailed,
    async effect(event) {
      await orderOf(event.data.orderId).markFailed(`payment failed: ${event.data.reason}`);
      return [];
    },
  };
  const refunded: Consumer<typeof RefundSucceeded> = {
    event: RefundSucceeded,
    async effect(event) {
      const { orderId, refundId, subOrderId, amount } = event.data;
      await orderOf(orderId).markRefunded(refundId, subOrderId, amount);
      return [];
    },
  };
  const refused: Consumer<typeof RefundRefused> = {
    event: RefundRefused,
    async effect(event) {
      await orderOf(event.data.orderId).markRefundRefused(event.data.reason);
      return [];
    },
  };
  return [succeeded, failed, refunded, refused];
}
