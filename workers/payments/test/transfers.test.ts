import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { outbox } from "#lib/outbox/schema.ts";
import { accounts, shares } from "../src/db/schema.ts";
import { entry } from "../src/services/ledger.ts";
import { commissionOf, settleHeldShares } from "../src/services/shares.ts";

const db = drizzle(env.DB);
let n = 0;

/** A vendor whose Stripe account takes payouts, with one held share of a paid sub-order. */
async function heldShare(gross: number, bps: number) {
  const commission = commissionOf(gross, bps);
  const keys = { vendorId: `ven_transfers_${++n}`, orderId: `ord_t${n}`, subOrderId: `sub_t${n}`, currency: "EUR" };
  await db.batch([
    db.insert(accounts).values({
      vendorId: keys.vendorId,
      accountId: `acct_${n}`,
      payoutsEnabled: true,
      updatedAt: new Date().toISOString(),
    }),
    db.insert(shares).values({ ...keys, gross, commission, status: "held", createdAt: new Date().toISOString() }),
    entry(db, { ...keys, kind: "sale", amount: gross, reference: null }),
    entry(db, { ...keys, kind: "commission", amount: -commission, reference: null }),
  ]);
  return { ...keys, net: gross - commission };
}

/** A stand-in Stripe client granting every transfer; `during` runs while Stripe is being asked. */
function stripeGrantingTransfers(during?: () => Promise<unknown>) {
  const transfers = {
    create: async (params: { amount: number }) => {
      await during?.();
      return { id: `tr_${++n}`, amount: params.amount };
    },
  };
  return { transfers } as unknown as Stripe;
}

const transferEvents = async (subOrderId: string) =>
  (await db.select().from(outbox).where(eq(outbox.type, "transfer.created")))
    .map((row) => row.envelope as { source: string; data: { subOrderId: string } })
    .filter((envelope) => envelope.data.subOrderId === subOrderId);

describe("settling held shares", () => {
  it("stages transfer.created in the batch that records the transfer, once", async () => {
    const share = await heldShare(1001, 1500);
    await settleHeldShares(db, stripeGrantingTransfers(), share.vendorId, "trace-transfer");
    const [row] = await db.select().from(shares).where(eq(shares.subOrderId, share.subOrderId));
    expect(row?.status).toBe("transferred");
    const events = await transferEvents(share.subOrderId);
    expect(events).toEqual([
      expect.objectContaining({
        source: "payments",
        traceId: "trace-transfer",
        data: {
          vendorId: share.vendorId,
          orderId: share.orderId,
          subOrderId: share.subOrderId,
          transferId: row?.transferId,
          amount: share.net,
          currency: "EUR",
        },
      }),
    ]);
    await settleHeldShares(db, stripeGrantingTransfers(), share.vendorId);
    expect(await transferEvents(share.subOrderId)).toHaveLength(1);
  });

  it("stages nothing when another settlement recorded the share meanwhile", async () => {
    const share = await heldShare(500, 1000);
    const settledMeanwhile = () =>
      db.update(shares).set({ status: "transferred" }).where(eq(shares.subOrderId, share.subOrderId));
    await settleHeldShares(db, stripeGrantingTransfers(settledMeanwhile), share.vendorId);
    expect(await transferEvents(share.subOrderId)).toEqual([]);
  });
});
