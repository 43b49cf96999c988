import { and, eq, isNull, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { log } from "#lib/http/log.ts";
import { ledger, shares } from "../db/schema.ts";
import { entry } from "./ledger.ts";
import { isRefusal } from "./stripe.ts";

/** Stripe refused a reversal: the ledger keeps what the vendor owes, and the reversal is tried again later. */
export class ReversalRefused extends Error {}

/**
 * Takes back from a vendor's transfer what its ledger says it owes for the
 * sub-order (after refunds), never more than is left on the transfer. The
 * amount is claimed on the share before Stripe is called, so a retry asks for
 * the same amount with the same idempotency key, and concurrent callers never
 * both reverse. Returns what was reversed now.
 */
export async function reverseWhatIsOwed(db: DrizzleD1Database, stripe: Stripe, subOrderId: string): Promise<number> {
  const [share] = await db.select().from(shares).where(eq(shares.subOrderId, subOrderId));
  if (share?.status !== "transferred" || !share.transferId) return 0;
  let amount = share.reversalPending;
  if (amount === null) {
    const [totals] = await db
      .select({
        owed: sql<number>`COALESCE(SUM(${ledger.amount}), 0)`,
        transferred: sql<number>`COALESCE(-SUM(CASE WHEN ${ledger.kind} = 'transfer' THEN ${ledger.amount} ELSE 0 END), 0)`,
      })
      .from(ledger)
      .where(eq(ledger.subOrderId, subOrderId));
    amount = Math.min(-(totals?.owed ?? 0), (totals?.transferred ?? 0) - share.reversed);
    if (amount <= 0) return 0;
    const claimed = await db
      .update(shares)
      .set({ reversalPending: amount })
      .where(
        and(eq(shares.subOrderId, subOrderId), isNull(shares.reversalPending), eq(shares.reversed, share.reversed)),
      );
    if (claimed.meta.changes !== 1) return 0;
  }
  let reversal: Stripe.TransferReversal;
  try {
    reversal = await stripe.transfers.createReversal(
      share.transferId,
      { amount, metadata: { sub_order_id: subOrderId } },
      { idempotencyKey: `reversal-${subOrderId}-${share.reversed}` },
    );
  } catch (error) {
    if (!isRefusal(error)) throw error;
    await db
      .update(shares)
      .set({ reversalPending: null, reversalError: error.message })
      .where(eq(shares.subOrderId, subOrderId));
    log("warn", "payments", { msg: "reversal refused; the vendor owes it", subOrderId, amount, error: error.message });
    throw new ReversalRefused(`Stripe refused the reversal of ${amount} for ${subOrderId}: ${error.message}`);
  }
  const keys = { vendorId: share.vendorId, orderId: share.orderId, subOrderId, currency: share.currency };
  try {
    await db.batch([
      db
        .update(shares)
        .set({
          reversed: sql`CASE WHEN ${shares.reversed} = ${share.reversed} THEN ${shares.reversed} + ${amount} ELSE NULL END`,
          reversalPending: null,
          reversalError: null,
        })
        .where(eq(shares.subOrderId, subOrderId)),
      entry(db, { ...keys, kind: "reversal", amount, reference: reversal.id }),
    ]);
  } catch (error) {
    // Another caller recorded this very reversal (same idempotency key) first.
    if (isConstraintViolation(error, "NOT NULL", "vendor_shares.reversed")) return 0;
    throw error;
  }
  return amount;
}
