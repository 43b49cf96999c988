import { z } from "zod";
import { defineEvent } from "./envelope.ts";

/** The order's payment went through (emitted by payments). */
export const PaymentSucceeded = defineEvent(
  "payment.succeeded",
  1,
  z.object({ orderId: z.string(), paymentId: z.string(), amount: z.number().int(), currency: z.string() }),
);

/** The order's payment was declined or canceled (emitted by payments). */
export const PaymentFailed = defineEvent(
  "payment.failed",
  1,
  z.object({ orderId: z.string(), paymentId: z.string(), reason: z.string() }),
);

/** Money went back to the shopper: the whole order (subOrderId null) or part of one sub-order. */
export const RefundSucceeded = defineEvent(
  "refund.succeeded",
  1,
  z.object({
    orderId: z.string(),
    subOrderId: z.string().nullable(),
    refundId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
  }),
);

/**
 * A refund was reserved and handed to Stripe (emitted by payments, for payments):
 * if the Worker dies before Stripe's answer is recorded, this event carries the
 * request on to its end, so no refund Stripe made is missing from the books.
 */
export const RefundRequested = defineEvent(
  "refund.requested",
  1,
  z.object({ requestId: z.string(), orderId: z.string(), subOrderId: z.string().nullable(), amount: z.number().int() }),
);

/** A refund the order asked for will not happen (the payment is disputed, or Stripe refused it); the order records why. */
export const RefundRefused = defineEvent(
  "refund.refused",
  1,
  z.object({ orderId: z.string(), subOrderId: z.string().nullable(), reason: z.string() }),
);

/** A vendor's share of a sub-order was transferred to its Stripe account (emitted by payments). */
export const TransferCreated = defineEvent(
  "transfer.created",
  1,
  z.object({
    vendorId: z.string(),
    orderId: z.string(),
    subOrderId: z.string(),
    transferId: z.string(),
    amount: z.number().int(),
    currency: z.string(),
  }),
);
