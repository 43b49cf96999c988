import type Stripe from "stripe";
import { RefundRequested, RefundSucceeded } from "#lib/contracts/events/payments.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { requestById } from "../services/refund-requests.ts";
import { carryOut } from "../services/refunds.ts";
import { reverseWhatIsOwed } from "../services/reversals.ts";

/**
 * payments' own refund events, the second path of every refund: a request
 * still pending (its Worker died, or Stripe's answer was lost) is asked of
 * Stripe again with its key; a recorded refund's reversal is retried until
 * Stripe takes it. Either one failing retries the message, then dead-letters it.
 */
export function refundConsumers(stripe: () => Stripe): Consumer[] {
  const requested: Consumer<typeof RefundRequested> = {
    event: RefundRequested,
    async effect(event, db) {
      const request = await requestById(db, event.data.requestId);
      if (request?.status === "pending") await carryOut(db, stripe(), request, event.traceId);
      return [];
    },
  };
  const succeeded: Consumer<typeof RefundSucceeded> = {
    event: RefundSucceeded,
    async effect(event, db) {
      if (event.data.subOrderId) await reverseWhatIsOwed(db, stripe(), event.data.subOrderId);
      return [];
    },
  };
  return [requested, succeeded];
}
