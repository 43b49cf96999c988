import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { RefundRefused, RefundRequested, RefundSucceeded } from "#lib/contracts/events/payments.ts";
import { newId } from "#lib/contracts/ids.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { payments, refundRequests, refunds, shares } from "../db/schema.ts";
import { entry } from "./ledger.ts";

export type Payment = typeof payments.$inferSelect;
export type Share = typeof shares.$inferSelect;
export type RefundRequest = typeof refundRequests.$inferSelect;
export type RefundFailure = NonNullable<RefundRequest["failure"]>;

/** Idempotency keys of refunds an order asked for (cancelled after payment) start with this; a client's never do. */
export const ORDER_REFUND_KEY = "order:";

/**
 * The vendor's part of a refund of `amount` after `before` was already refunded:
 * the vendor's net share of everything refunded so far, rounded down, minus
 * that of what came before. The parts telescope, so together they never exceed
 * the vendor's net, and the refund of the last cent takes exactly what is left.
 * Rounded down like the commission: what the platform keeps of a partly refunded
 * sale never passes its rate of what remains sold.
 */
export function vendorPartOf(share: Pick<Share, "gross" | "commission">, before: number, amount: number): number {
  const upTo = (refunded: number) =>
    share.gross === 0 ? 0 : Math.floor((refunded * (share.gross - share.commission)) / share.gross);
  return upTo(before + amount) - upTo(before);
}

export async function findRequest(
  db: DrizzleD1Database,
  orderId: string,
  idempotencyKey: string,
): Promise<RefundRequest | undefined> {
  const [row] = await db
    .select()
    .from(refundRequests)
    .where(and(eq(refundRequests.orderId, orderId), eq(refundRequests.idempotencyKey, idempotencyKey)));
  return row;
}

export async function requestById(db: DrizzleD1Database, id: string): Promise<RefundRequest | undefined> {
  const [row] = await db.select().from(refundRequests).where(eq(refundRequests.id, id));
  return row;
}

/** What can still be refunded, or the problem that says why nothing can. */
export function refundable(payment: Payment, share: Share | undefined, amount: number | undefined): number {
  if (payment.status !== "succeeded")
    throw new ProblemError(409, "The order is not paid.", { type: "payment-not-settled" });
  if (payment.disputed) {
    throw new ProblemError(409, "The payment is disputed: the dispute decides what goes back to the shopper.", {
      type: "payment-disputed",
    });
  }
  const left = share
    ? Math.min(share.gross - share.refunded, payment.amount - payment.amountRefunded)
    : payment.amount - payment.amountRefunded;
  const wanted = amount ?? left;
  if (wanted <= 0 || wanted > left) {
    const detail = left <= 0 ? "Nothing is left to refund." : `That is more than what is left to refund (${left}).`;
    throw new ProblemError(409, detail, { type: "refund-exceeds-paid" });
  }
  return wanted;
}

export interface Reservation {
  payment: Payment;
  share?: Share;
  amount: number;
  reason?: string;
  idempotencyKey: string;
  requestHash: string;
  traceId: string;
}

/**
 * Reserves the amount against the share and the payment, in one batch with the
 * request row and its refund.requested event. The guards compare the share's
 * refunded amount with the one the vendor's part was computed from, and the
 * payment's total: a concurrent refund makes the batch fail as a whole
 * ("conflict"), never lets both through.
 */
export async function reserve(
  db: DrizzleD1Database,
  r: Reservation,
): Promise<RefundRequest | "conflict" | "duplicate"> {
  const now = new Date().toISOString();
  const { payment, share, amount } = r;
  const request: RefundRequest = {
    id: newId("refundRequest"),
    orderId: payment.orderId,
    subOrderId: share?.subOrderId ?? null,
    idempotencyKey: r.idempotencyKey,
    requestHash: r.requestHash,
    amount,
    vendorPart: share ? vendorPartOf(share, share.refunded, amount) : 0,
    reason: r.reason ?? null,
    status: "pending",
    stripeRefundId: null,
    failure: null,
    createdAt: now,
    updatedAt: now,
  };
  const event = buildEvent(
    RefundRequested,
    { requestId: request.id, orderId: request.orderId, subOrderId: request.subOrderId, amount },
    { source: "payments", traceId: r.traceId },
  );
  // A guard that fails sets a NOT NULL column to NULL, which rolls the whole batch back.
  const shareGuard = share
    ? [
        db
          .update(shares)
          .set({
            refunded: sql`CASE WHEN ${shares.refunded} = ${share.refunded} AND ${shares.refunded} + ${amount} <= ${shares.gross}
              THEN ${shares.refunded} + ${amount} ELSE NULL END`,
          })
          .where(eq(shares.subOrderId, share.subOrderId)),
      ]
    : [];
  const paymentGuard = db
    .update(payments)
    .set({
      amountRefunded: sql`CASE WHEN ${payments.amountRefunded} + ${amount} <= ${payments.amount} AND ${payments.disputed} = 0
        AND ${payments.status} = 'succeeded' THEN ${payments.amountRefunded} + ${amount} ELSE NULL END`,
      updatedAt: now,
    })
    .where(eq(payments.orderId, payment.orderId));
  try {
    await db.batch([db.insert(refundRequests).values(request), ...shareGuard, paymentGuard, stageEvent(db, event)]);
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "refund_requests.order_id")) return "duplicate";
    if (isConstraintViolation(error, "NOT NULL")) return "conflict";
    throw error;
  }
  return request;
}

/** Stripe made the refund: the request, the refund, the ledger and refund.succeeded in one batch, once. */
export async function recordSucceeded(
  db: DrizzleD1Database,
  request: RefundRequest,
  stripeRefundId: string,
  currency: string,
  traceId: string,
) {
  const now = new Date().toISOString();
  const event = buildEvent(
    RefundSucceeded,
    {
      orderId: request.orderId,
      subOrderId: request.subOrderId,
      refundId: stripeRefundId,
      amount: request.amount,
      currency,
    },
    { source: "payments", traceId },
  );
  const [share] = request.subOrderId
    ? await db.select().from(shares).where(eq(shares.subOrderId, request.subOrderId))
    : [];
  const keys = share && {
    vendorId: share.vendorId,
    orderId: share.orderId,
    subOrderId: share.subOrderId,
    currency: share.currency,
  };
  const books = keys
    ? [
        entry(db, { ...keys, kind: "refund", amount: -request.amount, reference: stripeRefundId }),
        entry(db, {
          ...keys,
          kind: "commission_refund",
          amount: request.amount - request.vendorPart,
          reference: stripeRefundId,
        }),
        // A share refunded in full before it was paid out is closed: nothing is left to transfer.
        db
          .update(shares)
          .set({
            status: sql`CASE WHEN ${shares.status} = 'held' AND ${shares.refunded} >= ${shares.gross} THEN 'closed' ELSE ${shares.status} END`,
          })
          .where(eq(shares.subOrderId, keys.subOrderId)),
      ]
    : [];
  await settleOnce(db, [
    db
      .update(refundRequests)
      .set({ status: onlyFromPending("succeeded"), stripeRefundId, updatedAt: now })
      .where(eq(refundRequests.id, request.id)),
    db.insert(refunds).values({
      id: stripeRefundId,
      orderId: request.orderId,
      subOrderId: request.subOrderId,
      amount: request.amount,
      reversal: 0,
      reason: request.reason,
      createdAt: now,
    }),
    ...books,
    stageEvent(db, event),
  ]);
}

/** Stripe refused: the reservation is released and the answer kept for a retry with the same key. */
export async function recordFailed(
  db: DrizzleD1Database,
  request: RefundRequest,
  failure: RefundFailure,
  traceId: string,
) {
  const now = new Date().toISOString();
  const shareRelease = request.subOrderId
    ? [
        db
          .update(shares)
          .set({
            refunded: sql`${shares.refunded} - ${request.amount}`,
            status: sql`CASE WHEN ${shares.status} = 'closed' THEN 'held' ELSE ${shares.status} END`,
          })
          .where(eq(shares.subOrderId, request.subOrderId)),
      ]
    : [];
  const refused = request.idempotencyKey.startsWith(ORDER_REFUND_KEY)
    ? [
        stageEvent(
          db,
          buildEvent(
            RefundRefused,
            { orderId: request.orderId, subOrderId: request.subOrderId, reason: failure.detail },
            { source: "payments", traceId },
          ),
        ),
      ]
    : [];
  await settleOnce(db, [
    db
      .update(refundRequests)
      .set({ status: onlyFromPending("failed"), failure, updatedAt: now })
      .where(eq(refundRequests.id, request.id)),
    ...shareRelease,
    db
      .update(payments)
      .set({ amountRefunded: sql`${payments.amountRefunded} - ${request.amount}`, updatedAt: now })
      .where(eq(payments.orderId, request.orderId)),
    ...refused,
  ]);
}

/** A request leaves `pending` once: a second settlement (another retry got there first) finds NULL and rolls back. */
const onlyFromPending = (status: "succeeded" | "failed") =>
  sql`CASE WHEN ${refundRequests.status} = 'pending' THEN ${status} ELSE NULL END`;

async function settleOnce(db: DrizzleD1Database, statements: Parameters<DrizzleD1Database["batch"]>[0]) {
  try {
    await db.batch(statements);
  } catch (error) {
    if (
      isConstraintViolation(error, "NOT NULL", "refund_requests.status") ||
      isConstraintViolation(error, "UNIQUE", "refunds.id")
    )
      return;
    throw error;
  }
}
