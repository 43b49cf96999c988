import { z } from "zod";
import { defineEvent } from "./envelope.ts";

/** The order's payment went through (emitted by payments). */
export const PaymentSucceeded = defineEvent(
  "payment.succeeded",
  1,
  z.object({ orderId: z.string(), paymentId: z.string(), amount: z.number().int(), currency: z.string() }),
);

/** The order's payment was declined or canceled (emitted by payments). */
export const PaymentFailed = defineEvent("payment.failed", 1, z.object({ orderId: z.string(), paymentId: z.string(), reason: z.string() }));

/** Money went back to the shopper: the whole order (subOrderId null) or part of one sub-order. */
export const RefundSucceeded = defineEvent(
  "refund.succeeded",
  1,
  z.object({ orderId: z.string(), subOrderId: z.string().nullable(), refundId: z.string(), amount: z.number().int(), currency: z.string() }),
);
