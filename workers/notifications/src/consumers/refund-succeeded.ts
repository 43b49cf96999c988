import { RefundSucceeded } from "#lib/contracts/events/payments.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify, notifyVendor } from "../services/notify.ts";
import { userRecipient } from "../services/recipients.ts";
import { storedOrder } from "../services/snapshots.ts";
import type { ConsumerContext } from "./context.ts";

/** The shopper hears of the money back; the store whose sub-order it was, of the refund on it. */
export function onRefundSucceeded({ env, t }: ConsumerContext): Consumer<typeof RefundSucceeded> {
  return {
    event: RefundSucceeded,
    async effect({ data }, db) {
      const order = await storedOrder(db, data.orderId);
      if (!order) throw new Error(`order ${data.orderId} not known yet`);
      const shopper = await userRecipient(env, order.userId);
      const statements = await notify(
        db,
        shopper,
        t.refundIssued(data.orderId, data.refundId, data.amount, data.currency),
      );
      const sub = order.data.subOrders.find((s) => s.id === data.subOrderId);
      if (sub) {
        statements.push(
          ...(await notifyVendor(
            env,
            db,
            sub.vendorId,
            () => t.vendorRefund(sub.id, data.refundId, data.amount, data.currency),
            { ...data },
          )),
        );
      }
      return statements;
    },
  };
}
