import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import type { Order } from "#lib/contracts/api/orders.ts";
import { TransferCreated } from "#lib/contracts/events/payments.ts";
import { rpc, type VendorsRpc } from "#lib/contracts/rpc.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { log } from "#lib/http/log.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { accounts, payments, shares } from "../db/schema.ts";
import { entry, owedFor, pendingVendorParts } from "./ledger.ts";
import { toStripeCurrency } from "./stripe.ts";

/**
 * Commission in minor units: what the platform keeps of a vendor's sale, rounded
 * down, so the platform never takes more than its rate and the vendor gets the
 * fraction (the vendor's net is the gross minus this, to the unit).
 */
export function commissionOf(gross: number, bps: number): number {
  return Math.floor((gross * bps) / 10_000);
}

/**
 * A paid order's vendor shares and their ledger lines (sale, commission). The
 * statements go in the consumer's batch; transfers follow in settleHeldShares.
 */
export async function sharesOfPaidOrder(db: DrizzleD1Database, vendors: Fetcher, order: Order) {
  const [existing] = await db
    .select({ id: shares.subOrderId })
    .from(shares)
    .where(eq(shares.orderId, order.id))
    .limit(1);
  if (existing) return [];
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, order.id));
  const now = new Date().toISOString();
  const statements = [];
  for (const sub of order.subOrders) {
    const vendor = await rpc<VendorsRpc>(vendors).vendor(sub.vendorId);
    if (!vendor) throw new Error(`vendor ${sub.vendorId} is unknown`);
    // The platform's commission applies to the goods only; the vendor receives its shipping in full (it pays the carrier).
    const commission = commissionOf(sub.total - sub.shipping, vendor.commissionBps);
    const base = { vendorId: sub.vendorId, orderId: order.id, subOrderId: sub.id, currency: order.currency };
    statements.push(
      db.insert(shares).values({
        ...base,
        gross: sub.total,
        commission,
        status: payment?.disputed ? "frozen" : "held",
        createdAt: now,
      }),
      entry(db, { ...base, kind: "sale", amount: sub.total, reference: payment?.intentId ?? null }),
      entry(db, { ...base, kind: "commission", amount: -commission, reference: null }),
    );
  }
  return statements;
}

/**
 * Pays vendors what they are owed for held shares, once their Stripe account can
 * receive payouts. One transfer per sub-order, its idempotency key derived from
 * the sub-order: a retry after a lost answer never pays twice. `transfer.created`
 * is staged in the batch that records the transfer (run it inside withOutbox).
 */
export async function settleHeldShares(
  db: DrizzleD1Database,
  stripe: Stripe,
  vendorId?: string,
  traceId: string = crypto.randomUUID(),
): Promise<void> {
  const held = await db
    .select({ share: shares, accountId: accounts.accountId })
    .from(shares)
    .innerJoin(accounts, and(eq(accounts.vendorId, shares.vendorId), eq(accounts.payoutsEnabled, true)))
    .where(and(eq(shares.status, "held"), vendorId ? eq(shares.vendorId, vendorId) : undefined))
    .limit(50);
  for (const { share, accountId } of held) {
    // A refund on its way to Stripe is not paid out first, only to be reversed.
    const owed = (await owedFor(db, share.subOrderId)) - (await pendingVendorParts(db, share.subOrderId));
    if (owed <= 0) continue;
    const transfer = await stripe.transfers.create(
      {
        amount: owed,
        currency: toStripeCurrency(share.currency),
        destination: accountId,
        transfer_group: share.orderId,
        metadata: { sub_order_id: share.subOrderId },
      },
      { idempotencyKey: `transfer-${share.subOrderId}` },
    );
    // Only a share still held becomes transferred; otherwise the CASE yields NULL and the whole batch rolls back.
    const guarded = sql`CASE WHEN ${shares.status} = 'held' THEN 'transferred' ELSE NULL END`;
    const event = buildEvent(
      TransferCreated,
      {
        vendorId: share.vendorId,
        orderId: share.orderId,
        subOrderId: share.subOrderId,
        transferId: transfer.id,
        amount: owed,
        currency: share.currency,
      },
      { source: "payments", traceId },
    );
    try {
      await db.batch([
        db
          .update(shares)
          .set({ status: guarded, transferId: transfer.id })
          .where(eq(shares.subOrderId, share.subOrderId)),
        entry(db, {
          vendorId: share.vendorId,
          orderId: share.orderId,
          subOrderId: share.subOrderId,
          kind: "transfer",
          amount: -owed,
          currency: share.currency,
          reference: transfer.id,
        }),
        stageEvent(db, event),
      ]);
    } catch (error) {
      if (!isConstraintViolation(error, "NOT NULL", "vendor_shares.status")) throw error;
      log("info", "payments", { msg: "share already settled", subOrderId: share.subOrderId });
    }
  }
}
