// Scenario 4: Stripe's webhooks delivered again, at once, out of order (older events after newer ones) and after the
// order moved on. Whatever arrives, the final state must be the one a single in-order delivery made: the order, the
// vendors' ledgers, the payments record and Stripe's own objects are compared before and after the replays.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Account,
  addToCart,
  burst,
  call,
  category,
  checkout,
  eventsOfOrder,
  key,
  must,
  type OrderView,
  order,
  paidOrder,
  payouts,
  product,
  redeliver,
  refund,
  type Sku,
  type StripeEvent,
  shopper,
  state,
  stripeApi,
  stripeObjects,
  untilOrder,
  type Vendor,
  vendor,
} from "./client.ts";
import { allViolations, ordersOf, settled } from "./invariants.ts";
import { tried } from "./journal.ts";
import { sleep } from "./system.ts";

let a: Vendor;
let b: Vendor;
let categoryId: string;
let reader: Account;

beforeAll(async () => {
  [a, b] = await Promise.all([vendor("Events A"), vendor("Events B")]);
  categoryId = await category();
  reader = await shopper();
});

/** Everything a delivery could change, as the outside sees it (the order, both ledgers, the payment row, Stripe's objects). */
async function snapshot(buyer: Account, orderId: string, intentId: string) {
  const stripeOf = async (kind: "refunds" | "transfers" | "transfer_reversals") =>
    (await stripeObjects<{ id: string; payment_intent?: string; transfer_group?: string; transfer?: string }>(kind))
      .map((o) => o.id)
      .sort();
  return {
    order: await order(buyer.token, orderId),
    ledgers: await Promise.all([a, b].map(async (v) => (await payouts(v)).items.filter((e) => e.orderId === orderId))),
    payment: state().query(
      "payments",
      "SELECT status, amount, amount_refunded, disputed FROM payments WHERE order_id = ?",
      orderId,
    ),
    shares: state().query(
      "payments",
      "SELECT sub_order_id, refunded, reversed, status, transfer_id FROM vendor_shares WHERE order_id = ? ORDER BY sub_order_id",
      orderId,
    ),
    intent: (await stripeObjects<{ id: string; status: string; amount_received?: number }>("payment_intents")).find(
      (pi) => pi.id === intentId,
    ),
    refunds: await stripeOf("refunds"),
    transfers: await stripeOf("transfers"),
  };
}

/** Delivers the events again: newest first, each `copies` times at once, then waits for the webhooks and their events to settle. */
async function replay(events: StripeEvent[], copies: number): Promise<void> {
  const newestFirst = [...events].reverse();
  for (const event of newestFirst) {
    const answers = await burst(copies, async () => {
      const delivery = await redeliver(event.id);
      return { status: delivery.attempts[0]?.status ?? 0, body: null, ms: 0 };
    });
    expect(
      answers.map((x) => x.status),
      `deliveries of ${event.type}`,
    ).toEqual(answers.map(() => 200));
  }
  tried(
    `redelivered ${events.length} event(s) newest first (${newestFirst.map((e) => e.type).join(", ")}), each ×${copies} at once`,
  );
  // Long enough for a wrongly accepted replay to reach the order and the ledgers through the queues.
  await sleep(3_000);
}

function check(shoppers: Account[], skus: Sku[]) {
  return settled(
    "money, ledger, stock, outboxes",
    () => allViolations({ tracked: ordersOf(shoppers), vendors: [a, b], skus, readerToken: reader.token }),
    30_000,
  );
}

const subOf = (o: OrderView, v: Vendor) => o.subOrders.find((s) => s.vendorId === v.vendorId)?.id ?? "";

describe("webhook replays", () => {
  it("changes nothing when every event of a paid, partly refunded order arrives again, three at a time, newest first", async () => {
    const skus = [await product(a, categoryId, 2100, 10), await product(b, categoryId, 3300, 10)];
    const {
      shopper: buyer,
      order: paid,
      paymentId,
    } = await paidOrder([
      { sku: skus[0] as Sku, qty: 2 },
      { sku: skus[1] as Sku, qty: 1 },
    ]);
    expect((await refund(a, paid.id, subOf(paid, a), key(), 1000)).status).toBe(200);
    expect((await refund(b, paid.id, subOf(paid, b), key())).status).toBe(200);
    await untilOrder(
      buyer.token,
      paid.id,
      (o) => o.subOrders.every((s) => s.refunded === (s.vendorId === a.vendorId ? 1000 : s.total)),
      "refunds recorded",
    );
    const events = await eventsOfOrder(paid.id, paymentId);
    tried(`events of the order: ${events.map((e) => e.type).join(", ")}`);
    expect(events.map((e) => e.type)).toEqual(["payment_intent.succeeded", "charge.refunded", "charge.refunded"]);
    const before = await snapshot(buyer, paid.id, paymentId);
    await replay(events, 3);
    expect(await snapshot(buyer, paid.id, paymentId)).toEqual(before);
    await check([buyer], skus);
  });

  it("keeps a shipped order shipped when its payment_intent.succeeded arrives again after the shipment", async () => {
    const s = await product(a, categoryId, 1600, 10);
    const { shopper: buyer, order: paid, paymentId } = await paidOrder([{ sku: s, qty: 1 }]);
    const sub = subOf(paid, a);
    for (let i = 0; i < 80; i++) {
      const page = await must<{ items: { id: string }[] }>(200, "GET", "/api/v1/vendor/orders?limit=20", {
        token: a.token,
      });
      if (page.items.some((x) => x.id === sub)) break;
      await sleep(250);
    }
    await must(200, "POST", `/api/v1/vendor/orders/${sub}/accept`, { token: a.token });
    await must(200, "POST", `/api/v1/vendor/orders/${sub}/ship`, {
      token: a.token,
      body: { carrier: "DHL", trackingNumber: "JD014600009SE" },
    });
    const before = await snapshot(buyer, paid.id, paymentId);
    expect(before.order.status).toBe("fulfilled");
    await replay(await eventsOfOrder(paid.id, paymentId), 3);
    expect(await snapshot(buyer, paid.id, paymentId)).toEqual(before);
    await check([buyer], [s]);
  });

  it("refunds a cancelled order once, whatever is delivered again afterwards", async () => {
    const s = await product(b, categoryId, 1700, 10);
    const { shopper: buyer, order: paid, paymentId } = await paidOrder([{ sku: s, qty: 2 }]);
    expect((await call("POST", `/api/v1/orders/${paid.id}/cancel`, { token: buyer.token })).status).toBe(200);
    await untilOrder(buyer.token, paid.id, (o) => o.subOrders.every((x) => x.refunded === x.total), "refunded");
    const before = await snapshot(buyer, paid.id, paymentId);
    await replay(await eventsOfOrder(paid.id, paymentId), 3);
    expect(await snapshot(buyer, paid.id, paymentId)).toEqual(before);
    await check([buyer], [s]);
  });

  it("keeps the outcome of a declined then retried payment when the decline arrives again after the success", async () => {
    const s = await product(b, categoryId, 1300, 10);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 1);
    const placed = await checkout(buyer.token, key());
    expect(placed.status).toBe(201);
    const orderId = placed.body.order.id;
    const intentId = placed.body.payment?.id ?? "";
    // The browser's first card is declined; once that reached the order, the shopper tries another card.
    await stripeApi("POST", `/v1/payment_intents/${intentId}/confirm`, { payment_method: "pm_card_chargeDeclined" });
    await untilOrder(buyer.token, orderId, (o) => o.status === "cancelled", "cancelled by the decline");
    const second = await stripeApi<{ status?: string; error?: { message: string } }>(
      "POST",
      `/v1/payment_intents/${intentId}/confirm`,
      { payment_method: "pm_card_visa" },
    );
    tried(
      `PaymentIntent confirmed with pm_card_chargeDeclined, then (order cancelled) with pm_card_visa: ${second.status ?? second.error?.message}`,
    );
    if (second.status === "succeeded")
      await untilOrder(buyer.token, orderId, (o) => o.refund?.status === "done", "late payment refunded");
    await sleep(2_000);
    const before = await snapshot(buyer, orderId, intentId);
    await replay(await eventsOfOrder(orderId, intentId), 3);
    expect(await snapshot(buyer, orderId, intentId)).toEqual(before);
    await check([buyer], [s]);
  });

  it("moves a payment once when its first delivery and five copies arrive together", async () => {
    const s = await product(a, categoryId, 1400, 10);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 1);
    const placed = await checkout(buyer.token, key());
    expect(placed.status).toBe(201);
    const intentId = placed.body.payment?.id ?? "";
    // The shopper's browser pays (as Stripe.js would); Stripe's own delivery and five copies race to the webhook.
    await stripeApi("POST", `/v1/payment_intents/${intentId}/confirm`, { payment_method: "pm_card_visa" });
    const [succeeded] = (await eventsOfOrder(placed.body.order.id, intentId)).filter(
      (e) => e.type === "payment_intent.succeeded",
    );
    if (!succeeded) throw new Error("no payment_intent.succeeded");
    await burst(5, async () => ({
      status: (await redeliver(succeeded.id)).attempts[0]?.status ?? 0,
      body: null,
      ms: 0,
    }));
    tried("payment_intent.succeeded delivered by Stripe and ×5 more at once, as the intent is confirmed");
    const paidNow = await untilOrder(buyer.token, placed.body.order.id, (o) => o.status === "paid", "paid");
    await sleep(3_000);
    const transfers = (await stripeObjects<{ transfer_group: string }>("transfers")).filter(
      (t) => t.transfer_group === paidNow.id,
    );
    expect(transfers, "transfers of the order").toHaveLength(1);
    expect((await order(buyer.token, paidNow.id)).history.filter((h) => h.status === "paid")).toHaveLength(1);
    await check([buyer], [s]);
  });
});
