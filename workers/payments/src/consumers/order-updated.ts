import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import type { Order } from "#lib/contracts/api/orders.ts";
import { OrderUpdated } from "#lib/contracts/events/orders.ts";
import { RefundRefused } from "#lib/contracts/events/payments.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { payments, shares } from "../db/schema.ts";
import { cancelUnpaidIntent } from "../services/intents.ts";
import { ORDER_REFUND_KEY } from "../services/refund-requests.ts";
import { refund } from "../services/refunds.ts";
import { sharesOfPaidOrder } from "../services/shares.ts";

/**
 * A paid order gets its vendor shares (and ledger lines); an order that asks for
 * a refund (cancelled after payment, or paid after it lapsed) is refunded: each
 * vendor's share, or the whole payment when it never reached vendors; an order
 * cancelled before payment has its PaymentIntent cancelled, so it cannot be paid.
 */
export function onOrderUpdated(env: Pick<Env, "VENDORS">, stripe: () => Stripe): Consumer<typeof OrderUpdated> {
  return {
    event: OrderUpdated,
    async effect(event, db) {
      const { order } = event.data;
      const [payment] = await db.select().from(payments).where(eq(payments.orderId, order.id));
      if (!payment) return [];
      if (order.status === "cancelled" && payment.status !== "succeeded") {
        if (payment.status !== "canceled") await cancelUnpaidIntent(stripe(), payment.intentId);
        return [];
      }
      if (payment.status !== "succeeded" || (order.subOrders.length === 0 && order.refund?.status !== "requested"))
        return [];
      const shareStatements = await sharesOfPaidOrder(db, env.VENDORS, order);
      if (order.refund?.status !== "requested") return shareStatements;
      // Shares first, so a refund never misses a vendor whose share was not recorded yet.
      const [first, ...rest] = shareStatements;
      if (first) await db.batch([first, ...rest]);
      try {
        await refundEverything(db, stripe(), order, event.traceId);
      } catch (error) {
        // A refusal for good (a disputed payment, Stripe saying no) ends the request; the order records why.
        if (!(error instanceof ProblemError) || error.status >= 500) throw error;
        const refused = buildEvent(
          RefundRefused,
          { orderId: order.id, subOrderId: null, reason: error.detail ?? error.message },
          { source: "payments", traceId: event.traceId },
        );
        return [stageEvent(db, refused)];
      }
      return [];
    },
  };
}

/** Each vendor's share refunded of what is left (or the whole payment). Keys carry what was refunded before, so a retry repeats, never adds. */
async function refundEverything(db: DrizzleD1Database, stripe: Stripe, order: Order, traceId: string) {
  const open = await db
    .select()
    .from(shares)
    .where(and(eq(shares.orderId, order.id), sql`${shares.gross} > ${shares.refunded}`));
  const reason = order.refund?.reason;
  for (const share of open) {
    const key = `${ORDER_REFUND_KEY}${share.subOrderId}:${share.refunded}`;
    await refund(db, stripe, {
      orderId: order.id,
      subOrderId: share.subOrderId,
      reason,
      idempotencyKey: key,
      requestHash: key,
      traceId,
    });
  }
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, order.id));
  if (open.length === 0 && order.subOrders.length === 0 && payment && payment.amount > payment.amountRefunded) {
    const key = `${ORDER_REFUND_KEY}whole:${payment.amountRefunded}`;
    await refund(db, stripe, { orderId: order.id, reason, idempotencyKey: key, requestHash: key, traceId });
  }
}
