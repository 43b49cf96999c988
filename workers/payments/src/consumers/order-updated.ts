import { and, eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { OrderUpdated } from "../../../../lib/contracts/events/orders.ts";
import type { Consumer } from "../../../../lib/queue/consume.ts";
import { payments, shares } from "../db/schema.ts";
import { refund } from "../services/refunds.ts";
import { sharesOfPaidOrder } from "../services/shares.ts";

/**
 * A paid order gets its vendor shares (and ledger lines); an order that asks for
 * a refund (cancelled after payment, or paid after it lapsed) is refunded: each
 * vendor's share, or the whole payment when it never reached vendors.
 */
export function onOrderUpdated(env: Pick<Env, "VENDORS">, stripe: () => Stripe): Consumer<typeof OrderUpdated> {
  return {
    event: OrderUpdated,
    async effect(event, db) {
      const { order } = event.data;
      if (order.subOrders.length === 0 && order.refund?.status !== "requested") return [];
      const [payment] = await db.select().from(payments).where(eq(payments.orderId, order.id));
      if (payment?.status !== "succeeded") return [];
      const shareStatements = await sharesOfPaidOrder(db, env.VENDORS, order);
      if (order.refund?.status !== "requested") return shareStatements;
      // Shares first, so a refund never misses a vendor whose share was not recorded yet.
      const [first, ...rest] = shareStatements;
      if (first) await db.batch([first, ...rest]);
      const open = await db
        .select()
        .from(shares)
        .where(and(eq(shares.orderId, order.id), sql`${shares.gross} > ${shares.refunded}`));
      const meta = { traceId: event.traceId, reason: order.refund.reason };
      for (const share of open) {
        const [fresh] = await db.select().from(payments).where(eq(payments.orderId, order.id));
        if (fresh) await refund(db, stripe(), { payment: fresh, share, amount: share.gross - share.refunded, idempotencyKey: `order-${order.id}-${share.subOrderId}`, ...meta });
      }
      if (open.length === 0 && order.subOrders.length === 0 && payment.amount > payment.amountRefunded) {
        await refund(db, stripe(), { payment, amount: payment.amount - payment.amountRefunded, idempotencyKey: `order-${order.id}`, ...meta });
      }
      return [];
    },
  };
}
