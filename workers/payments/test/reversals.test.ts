import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { shares } from "../src/db/schema.ts";
import { entry } from "../src/services/ledger.ts";
import { vendorPartOf } from "../src/services/refund-requests.ts";
import { reverseWhatIsOwed } from "../src/services/reversals.ts";
import { commissionOf } from "../src/services/shares.ts";

const db = drizzle(env.DB);
let n = 0;

/** A stand-in Stripe client that grants every reversal and remembers the amounts asked for. */
function stripeRecordingReversals() {
  const asked: number[] = [];
  const transfers = {
    createReversal: async (_transfer: string, params: { amount: number }) => {
      asked.push(params.amount);
      return { id: `trr_${asked.length}_${++n}`, amount: params.amount };
    },
  };
  return { stripe: { transfers } as unknown as Stripe, asked };
}

/** A sub-order paid out to its vendor: its share and ledger as the paid order and the transfer left them. */
async function transferredShare(gross: number, bps: number, currency = "EUR") {
  const commission = commissionOf(gross, bps);
  const keys = { vendorId: "ven_test", orderId: `ord_${++n}`, subOrderId: `sub_${n}`, currency };
  await db.batch([
    db.insert(shares).values({
      ...keys,
      gross,
      commission,
      status: "transferred",
      transferId: `tr_${n}`,
      createdAt: new Date().toISOString(),
    }),
    entry(db, { ...keys, kind: "sale", amount: gross, reference: null }),
    entry(db, { ...keys, kind: "commission", amount: -commission, reference: null }),
    entry(db, { ...keys, kind: "transfer", amount: -(gross - commission), reference: `tr_${n}` }),
  ]);
  return { ...keys, gross, commission };
}

/** Books a refund as refund-requests.ts does (reserve, then record), and returns the vendor's part. */
async function refund(share: Awaited<ReturnType<typeof transferredShare>>, amount: number): Promise<number> {
  const [row] = await db.select().from(shares).where(eq(shares.subOrderId, share.subOrderId));
  const before = row?.refunded ?? 0;
  const vendorPart = vendorPartOf(share, before, amount);
  const { gross: _gross, commission: _commission, ...keys } = share;
  await db.batch([
    db
      .update(shares)
      .set({ refunded: before + amount })
      .where(eq(shares.subOrderId, share.subOrderId)),
    entry(db, { ...keys, kind: "refund", amount: -amount, reference: null }),
    entry(db, { ...keys, kind: "commission_refund", amount: amount - vendorPart, reference: null }),
  ]);
  return vendorPart;
}

describe("reversing a vendor's transfer after refunds", () => {
  it.each([
    { gross: 1001, bps: 1500, refunds: [1, 3, 7, 99, 891] },
    { gross: 99, bps: 3333, refunds: [33, 33, 33] },
    { gross: 7, bps: 5000, refunds: [1, 1, 1, 1, 1, 1, 1] },
    { gross: 3, bps: 1000, refunds: [1, 1, 1], currency: "JPY" },
    { gross: 12_345, bps: 1000, refunds: [345, 12_000], currency: "JPY" },
  ])(
    "reverses exactly the transfer over refunds $refunds of $gross at $bps bps",
    async ({ gross, bps, refunds, currency }) => {
      const share = await transferredShare(gross, bps, currency);
      const { stripe, asked } = stripeRecordingReversals();
      const parts: number[] = [];
      for (const amount of refunds) {
        parts.push(await refund(share, amount));
        expect(await reverseWhatIsOwed(db, stripe, share.subOrderId)).toBe(parts.at(-1));
      }
      expect(asked).toEqual(parts.filter((part) => part > 0));
      expect(asked.reduce((sum, a) => sum + a, 0)).toBe(gross - share.commission);
      const [row] = await db.select().from(shares).where(eq(shares.subOrderId, share.subOrderId));
      expect(row).toMatchObject({ reversed: gross - share.commission, reversalPending: null });
    },
  );

  it("asks nothing of a vendor whose commission was 100 %", async () => {
    const share = await transferredShare(7, 10_000);
    const { stripe, asked } = stripeRecordingReversals();
    await refund(share, 7);
    expect(await reverseWhatIsOwed(db, stripe, share.subOrderId)).toBe(0);
    expect(asked).toEqual([]);
  });

  it("reverses each refund whole at 0 % commission", async () => {
    const share = await transferredShare(99, 0);
    const { stripe, asked } = stripeRecordingReversals();
    for (const amount of [1, 97, 1]) {
      await refund(share, amount);
      await reverseWhatIsOwed(db, stripe, share.subOrderId);
    }
    expect(asked).toEqual([1, 97, 1]);
  });

  it("asks again for nothing once what is owed was reversed", async () => {
    const share = await transferredShare(1001, 1000);
    const { stripe, asked } = stripeRecordingReversals();
    await refund(share, 500);
    const first = await reverseWhatIsOwed(db, stripe, share.subOrderId);
    expect(await reverseWhatIsOwed(db, stripe, share.subOrderId)).toBe(0);
    expect(asked).toEqual([first]);
  });
});
