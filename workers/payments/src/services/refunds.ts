import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { log } from "#lib/http/log.ts";
import { ProblemError, problemUri } from "#lib/http/problem.ts";
import { payments, shares } from "../db/schema.ts";
import {
  findRequest,
  type Payment,
  type RefundRequest,
  recordFailed,
  recordSucceeded,
  refundable,
  requestById,
  reserve,
  type Share,
} from "./refund-requests.ts";
import { reverseWhatIsOwed } from "./reversals.ts";
import { isRefusal } from "./stripe.ts";

export interface RefundAsk {
  orderId: string;
  /** One vendor's sub-order, or none: the whole payment (an order that never reached vendors). */
  subOrderId?: string;
  /** Omitted: everything left. */
  amount?: number;
  reason?: string;
  idempotencyKey: string;
  /** Fingerprint of what was asked: the same key with another request is refused. */
  requestHash: string;
  traceId: string;
}

export interface RefundOutcome {
  refundId: string;
  amount: number;
  reversal: number;
}

const RESERVE_ATTEMPTS = 5;

/**
 * Refunds part or all of a payment, from one vendor's share or the whole
 * payment: reserve (so concurrent refunds can never exceed what was paid), ask
 * Stripe with a key derived from the request, record the outcome, then take
 * back the vendor's part of its transfer. The same key replays the first
 * outcome; a request left pending by a crash or a lost answer is carried on by
 * a retry with its key or by its refund.requested event.
 */
export async function refund(db: DrizzleD1Database, stripe: Stripe, ask: RefundAsk): Promise<RefundOutcome> {
  let request = await reserved(db, ask);
  if (request.status === "pending") request = await carryOut(db, stripe, request, ask.traceId);
  if (request.status === "failed" || !request.stripeRefundId) {
    throw new ProblemError(409, request.failure?.detail ?? "Stripe refused the refund.", {
      type: "processor-refused",
    });
  }
  let reversal = 0;
  if (request.subOrderId) {
    // The refund is done and recorded; a reversal Stripe refuses now is retried from refund.succeeded.
    reversal = await reverseWhatIsOwed(db, stripe, request.subOrderId).catch((error: unknown) => {
      log("warn", "payments", {
        msg: "reversal deferred",
        subOrderId: request.subOrderId,
        error: String(error),
        traceId: ask.traceId,
      });
      return 0;
    });
  }
  return { refundId: request.stripeRefundId, amount: request.amount, reversal };
}

/** The request behind this key: the first one, or a new reservation. */
async function reserved(db: DrizzleD1Database, ask: RefundAsk): Promise<RefundRequest> {
  for (let attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
    const existing = await findRequest(db, ask.orderId, ask.idempotencyKey);
    if (existing) {
      if (existing.requestHash !== ask.requestHash || existing.subOrderId !== (ask.subOrderId ?? null)) {
        throw new ProblemError(422, "This Idempotency-Key was used for a different refund.", {
          type: "idempotency-key-reused",
        });
      }
      return existing;
    }
    const { payment, share } = await current(db, ask);
    const amount = refundable(payment, share, ask.amount);
    const outcome = await reserve(db, { ...ask, payment, share, amount });
    if (typeof outcome !== "string") return outcome;
    // "duplicate": the same key raced in; "conflict": another refund moved the share first. Read again.
  }
  throw new ProblemError(409, "Another refund of this order is being made; retry shortly.", {
    type: "refund-in-progress",
    headers: { "retry-after": "1" },
  });
}

async function current(db: DrizzleD1Database, ask: RefundAsk): Promise<{ payment: Payment; share?: Share }> {
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, ask.orderId));
  const [share] = ask.subOrderId ? await db.select().from(shares).where(eq(shares.subOrderId, ask.subOrderId)) : [];
  if (!payment || (ask.subOrderId && !share)) throw new ProblemError(404, "No such paid sub-order.");
  return { payment, share };
}

/**
 * Asks Stripe for a pending request's refund (the idempotency key is the
 * request's, so asking again never refunds twice) and records the answer.
 * Stripe not answering leaves it pending and throws.
 */
export async function carryOut(
  db: DrizzleD1Database,
  stripe: Stripe,
  request: RefundRequest,
  traceId: string,
): Promise<RefundRequest> {
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, request.orderId));
  if (!payment) throw new Error(`refund request ${request.id} has no payment`);
  try {
    const made = await stripe.refunds.create(
      {
        payment_intent: payment.intentId,
        amount: request.amount,
        reason: "requested_by_customer",
        metadata: { order_id: request.orderId, sub_order_id: request.subOrderId ?? "", refund_request_id: request.id },
      },
      { idempotencyKey: `refund-${request.id}` },
    );
    await recordSucceeded(db, request, made.id, payment.currency, traceId);
  } catch (error) {
    if (!isRefusal(error)) {
      log("warn", "payments", {
        msg: "refund outcome unknown; kept pending",
        requestId: request.id,
        error: String(error),
        traceId,
      });
      throw new ProblemError(
        503,
        "Stripe did not answer. The refund is kept and will complete; retry with the same Idempotency-Key for its outcome.",
        {
          type: "processor-unavailable",
          headers: { "retry-after": "2" },
        },
      );
    }
    await recordFailed(
      db,
      request,
      { status: 409, type: problemUri("processor-refused"), detail: `Stripe refused the refund: ${error.message}` },
      traceId,
    );
  }
  const settled = await requestById(db, request.id);
  if (!settled) throw new Error(`refund request ${request.id} vanished`);
  return settled;
}
