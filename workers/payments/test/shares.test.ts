import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import type { Order, SubOrder } from "#lib/contracts/api/orders.ts";
import { accounts, ledger, payments, shares } from "../src/db/schema.ts";
import { recordSucceeded, reserve } from "../src/services/refund-requests.ts";
import { reverseWhatIsOwed } from "../src/services/reversals.ts";
import { settleHeldShares, sharesOfPaidOrder } from "../src/services/shares.ts";

const db = drizzle(env.DB);
const NOW = "2026-12-02T10:00:00.000Z";
let n = 0;

/** A stand-in Stripe client that grants every transfer and reversal and remembers the amounts. */
function recordingStripe() {
  const transfers: number[] = [];
  const reversals: number[] = [];
  const stripe = {
    transfers: {
      create: async (params: { amount: number }) => {
        transfers.push(params.amount);
        return { id: `tr_${++n}` };
      },
      createReversal: async (_id: string, params: { amount: number }) => {
        reversals.push(params.amount);
        return { id: `trr_${++n}` };
      },
    },
  } as unknown as Stripe;
  return { stripe, transfers, reversals };
}

/** A paid order of one sub-order (goods + shipping) of a new 10 % vendor, paid and able to receive payouts. */
async function paidOrder(goods: number, shipping: number): Promise<{ order: Order; sub: SubOrder }> {
  const id = `ord_shares_${++n}`;
  const vendorId = `ven_rate10_${n}`;
  const sub: SubOrder = {
    id: `sub_shares_${n}`,
    vendorId,
    status: "pending",
    lines: [],
    shipping,
    total: goods + shipping,
    refunded: 0,
    carrier: null,
    trackingNumber: null,
  };
  const order: Order = {
    id,
    status: "paid",
    currency: "EUR",
    shipping,
    total: goods + shipping,
    lines: [],
    subOrders: [sub],
    shippingAddress: { recipient: "A", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" },
    paymentDeadline: null,
    refund: null,
    history: [],
    createdAt: NOW,
    updatedAt: NOW,
  };
  await db.batch([
    db.insert(payments).values({
      orderId: id,
      intentId: `pi_${n}`,
      amount: order.total,
      currency: "EUR",
      status: "succeeded",
      createdAt: NOW,
      updatedAt: NOW,
    }),
    db.insert(accounts).values({ vendorId, accountId: `acct_${vendorId}`, payoutsEnabled: true, updatedAt: NOW }),
  ]);
  const [first, ...rest] = await sharesOfPaidOrder(db, env.VENDORS, order);
  if (!first) throw new Error("no shares");
  await db.batch([first, ...rest]);
  return { order, sub };
}

/** A refund as the refund route books it: reserved, then recorded as Stripe's success. */
async function refund(orderId: string, subOrderId: string, amount: number) {
  const [payment] = await db.select().from(payments).where(eq(payments.orderId, orderId));
  const [share] = await db.select().from(shares).where(eq(shares.subOrderId, subOrderId));
  if (!payment || !share) throw new Error("nothing to refund");
  const request = await reserve(db, {
    payment,
    share,
    amount,
    idempotencyKey: `key_${++n}`,
    requestHash: "h",
    traceId: "trace-test",
  });
  if (typeof request === "string") throw new Error(request);
  await recordSucceeded(db, request, `re_${n}`, "EUR", "trace-test");
}

const balance = async (subOrderId: string) => {
  const [row] = await db
    .select({ owed: sql<number>`COALESCE(SUM(${ledger.amount}), 0)` })
    .from(ledger)
    .where(eq(ledger.subOrderId, subOrderId));
  return row?.owed;
};

describe("a vendor's share when the order carries shipping", () => {
  it("takes commission on the goods only and transfers the vendor its shipping in full", async () => {
    const { sub } = await paidOrder(10_005, 495);
    const [share] = await db.select().from(shares).where(eq(shares.subOrderId, sub.id));
    // 10 % of the 10,005 of goods, rounded down; nothing of the 495 of shipping.
    expect(share).toMatchObject({ gross: 10_500, commission: 1000, status: "held" });
    const { stripe, transfers } = recordingStripe();
    await settleHeldShares(db, stripe, sub.vendorId);
    expect(transfers).toEqual([10_005 - 1000 + 495]);
    expect(await balance(sub.id)).toBe(0);
  });

  it("keeps no commission of an order whose sub-order is all shipping", async () => {
    const { sub } = await paidOrder(0, 700);
    const [share] = await db.select().from(shares).where(eq(shares.subOrderId, sub.id));
    expect(share).toMatchObject({ gross: 700, commission: 0 });
  });

  it("reverses the whole transfer when the sub-order is refunded in full", async () => {
    const { order, sub } = await paidOrder(2999, 501);
    const { stripe, transfers, reversals } = recordingStripe();
    await settleHeldShares(db, stripe, sub.vendorId);
    await refund(order.id, sub.id, sub.total);
    await reverseWhatIsOwed(db, stripe, sub.id);
    expect(reversals).toEqual(transfers);
    expect(await balance(sub.id)).toBe(0);
  });

  it("reverses partial refunds by the share's proportion, to the unit, and the ledger balances", async () => {
    const { order, sub } = await paidOrder(2999, 501);
    const { stripe, transfers, reversals } = recordingStripe();
    await settleHeldShares(db, stripe, sub.vendorId);
    const transferred = transfers[0] ?? 0;
    expect(transferred).toBe(3500 - 299);
    const reversed = () => reversals.reduce((sum, r) => sum + r, 0);
    await refund(order.id, sub.id, 1);
    // A unit refunded is less than a unit of the vendor's part: nothing is asked back yet.
    expect(await reverseWhatIsOwed(db, stripe, sub.id)).toBe(0);
    await refund(order.id, sub.id, 999);
    await reverseWhatIsOwed(db, stripe, sub.id);
    // 1000 of 3500 refunded: the vendor gives back floor(1000 × 3201 / 3500) = 914 of its transfer.
    expect(reversed()).toBe(914);
    expect(await balance(sub.id)).toBe(0);
    for (const amount of [7, 2493]) {
      await refund(order.id, sub.id, amount);
      await reverseWhatIsOwed(db, stripe, sub.id);
      expect(await balance(sub.id)).toBe(0);
    }
    expect(reversed()).toBe(transferred);
  });
});
