import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { RefundSucceeded } from "../../../../lib/contracts/events/payments.ts";
import { ProblemError } from "../../../../lib/http/problem.ts";
import { buildEvent, stageEvent } from "../../../../lib/outbox/outbox.ts";
import { payments, refunds, shares } from "../db/schema.ts";
import { entry } from "./ledger.ts";

type Payment = typeof payments.$inferSelect;
type Share = typeof shares.$inferSelect;

/** The vendor's part of a refund of `amount` from its share: the same proportion as its net of the gross. */
export function vendorPartOf(share: Pick<Share, "gross" | "commission">, amount: number): number {
  return Math.round((amount * (share.gross - share.commission)) / share.gross);
}

/**
 * Refunds `amount` of a payment, from one vendor's share or (no share) from the
 * whole payment. The vendor gives back its part: a reversal of its transfer if it
 * was paid out, or less owed if not; the platform gives back its commission on the
 * refunded amount. Stripe calls carry idempotency keys, so a retry is safe.
 */
export async function refund(
  db: DrizzleD1Database,
  stripe: Stripe,
  input: { payment: Payment; share?: Share; amount: number; reason?: string; idempotencyKey: string; traceId: string },
): Promise<{ refundId: string; amount: number; reversal: number }> {
  const { payment, share, amount } = input;
  if (payment.status !== "succeeded") throw new ProblemError(409, "The order is not paid.");
  if (amount > payment.amount - payment.amountRefunded || (share && amount > share.gross - share.refunded)) {
    throw new ProblemError(409, "That is more than what is left to refund.");
  }
  const stripeRefund = await stripe.refunds.create(
    { payment_intent: payment.intentId, amount, reason: "requested_by_customer", metadata: { order_id: payment.orderId, sub_order_id: share?.subOrderId ?? "" } },
    { idempotencyKey: `refund-${input.idempotencyKey}` },
  );
  const [recorded] = await db.select().from(refunds).where(eq(refunds.id, stripeRefund.id));
  if (recorded) return { refundId: recorded.id, amount: recorded.amount, reversal: recorded.reversal };

  const vendorPart = share ? vendorPartOf(share, amount) : 0;
  let reversal = 0;
  let reversalId: string | null = null;
  if (share?.status === "transferred" && share.transferId) {
    const reversed = await stripe.transfers.createReversal(share.transferId, { amount: vendorPart }, { idempotencyKey: `reversal-${stripeRefund.id}` });
    reversal = vendorPart;
    reversalId = reversed.id;
  }
  const now = new Date().toISOString();
  const event = buildEvent(
    RefundSucceeded,
    { orderId: payment.orderId, subOrderId: share?.subOrderId ?? null, refundId: stripeRefund.id, amount, currency: payment.currency },
    { source: "payments", traceId: input.traceId },
  );
  const lines = share
    ? [
        db
          .update(shares)
          .set({
            refunded: sql`${shares.refunded} + ${amount}`,
            reversed: sql`${shares.reversed} + ${reversal}`,
            status: share.status === "held" && share.refunded + amount === share.gross ? "closed" : share.status,
          })
          .where(eq(shares.subOrderId, share.subOrderId)),
        entry(db, { ...ledgerKeys(share), kind: "refund", amount: -amount, reference: stripeRefund.id }),
        entry(db, { ...ledgerKeys(share), kind: "commission_refund", amount: amount - vendorPart, reference: stripeRefund.id }),
        ...(reversalId ? [entry(db, { ...ledgerKeys(share), kind: "reversal", amount: reversal, reference: reversalId })] : []),
      ]
    : [];
  await db.batch([
    db.insert(refunds).values({ id: stripeRefund.id, orderId: payment.orderId, subOrderId: share?.subOrderId ?? null, amount, reversal, reason: input.reason ?? null, createdAt: now }),
    db.update(payments).set({ amountRefunded: sql`${payments.amountRefunded} + ${amount}`, updatedAt: now }).where(eq(payments.orderId, payment.orderId)),
    ...lines,
    stageEvent(db, event),
  ]);
  return { refundId: stripeRefund.id, amount, reversal };
}

function ledgerKeys(share: Share) {
  return { vendorId: share.vendorId, orderId: share.orderId, subOrderId: share.subOrderId, currency: share.currency };
}
