// Scenario 1: bursts of identical requests against one record, on every route that moves money or stock, then the
// invariants of everything the burst touched.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Account,
  addToCart,
  burst,
  call,
  category,
  checkout,
  key,
  must,
  type OrderView,
  order,
  paidOrder,
  product,
  refund,
  type Sku,
  shopper,
  stripeObjects,
  tally,
  untilOrder,
  type Vendor,
  vendor,
} from "./client.ts";
import { allViolations, ordersOf, settled } from "./invariants.ts";
import { tried } from "./journal.ts";

const N = 12;

let a: Vendor;
let b: Vendor;
let categoryId: string;
let reader: Account;

beforeAll(async () => {
  [a, b] = await Promise.all([vendor("Burst A"), vendor("Burst B")]);
  categoryId = await category();
  reader = await shopper();
});

function check(shoppers: Account[], skus: Sku[], vendors: Vendor[] = [a, b]) {
  return settled("refunded ≤ paid, Stripe = books, ledgers, stock conserved, outboxes drained", () =>
    allViolations({ tracked: ordersOf(shoppers), vendors, skus, readerToken: reader.token }),
  );
}

const subOf = (o: OrderView, v: Vendor) => {
  const sub = o.subOrders.find((s) => s.vendorId === v.vendorId);
  if (!sub) throw new Error(`no sub-order of ${v.vendorId} in ${o.id}`);
  return sub;
};

describe("refunds", () => {
  it(`refunds a sub-order once when ${N} identical refunds (one Idempotency-Key) arrive at once`, async () => {
    const skus = [await product(a, categoryId, 2000, 10), await product(b, categoryId, 3000, 10)];
    const { shopper: buyer, order: paid } = await paidOrder([
      { sku: skus[0] as Sku, qty: 2 },
      { sku: skus[1] as Sku, qty: 1 },
    ]);
    const sub = subOf(paid, a);
    const k = key();
    const answers = await burst(N, () => refund(a, paid.id, sub.id, k));
    const retry = await refund(a, paid.id, sub.id, k);
    tried(
      `POST /api/v1/orders/:id/refund ×${N} at once, one Idempotency-Key, the whole ${sub.total} sub-order: ${JSON.stringify(tally(answers))}; a retry with the key: ${retry.status}`,
    );
    const refundIds = new Set([...answers, retry].filter((x) => x.status === 200).map((x) => x.body.refundId));
    expect(retry.status, "a retry with the same key gets the first outcome").toBe(200);
    expect(refundIds.size, "every success names the same refund").toBe(1);
    expect(
      answers.filter((x) => x.status !== 200 && x.status !== 409).map((x) => `${x.status} ${JSON.stringify(x.body)}`),
      "answers other than done (200) or in progress (409)",
    ).toEqual([]);
    await check([buyer], skus);
  });

  it(`never refunds more than a sub-order when ${N} partial refunds with different keys arrive at once`, async () => {
    const skus = [await product(a, categoryId, 2000, 10), await product(b, categoryId, 3000, 10)];
    const { shopper: buyer, order: paid } = await paidOrder([
      { sku: skus[0] as Sku, qty: 2 },
      { sku: skus[1] as Sku, qty: 1 },
    ]);
    const sub = subOf(paid, a);
    const part = Math.ceil(sub.total * 0.4);
    const answers = await burst(N, () => refund(a, paid.id, sub.id, key(), part));
    tried(
      `POST /api/v1/orders/:id/refund ×${N} at once, each its own key, ${part} of a ${sub.total} sub-order (at most 2 fit): ${JSON.stringify(tally(answers))}`,
    );
    const ok = answers.filter((x) => x.status === 200);
    expect(ok.length, "refunds that fit").toBeLessThanOrEqual(Math.floor(sub.total / part));
    expect(ok.length, "the first refund goes through").toBeGreaterThanOrEqual(1);
    await check([buyer], skus);
  });
});

describe("checkout", () => {
  it(`makes at most one order of a cart when ${N} checkouts with different keys arrive at once`, async () => {
    const s = await product(a, categoryId, 1500, 30);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 2);
    const answers = await burst(N, () => checkout(buyer.token, key(), "pm_card_visa"));
    const orderIds = new Set(answers.filter((x) => x.status === 201).map((x) => x.body.order.id));
    tried(
      `POST /api/v1/checkout ×${N} at once of one cart (2 units, 30 in stock, pm_card_visa), each its own Idempotency-Key: ${JSON.stringify(tally(answers))}, ${orderIds.size} distinct order(s)`,
    );
    const placed = ordersOf([buyer]);
    const live = (
      await Promise.all(
        placed.map((t) => call<OrderView>("GET", `/api/v1/orders/${t.orderId}`, { token: buyer.token })),
      )
    ).filter((x) => x.status === 200);
    tried(`orders placed from that one cart: ${live.length}`);
    expect(live.length, "orders made of one cart").toBe(1);
    await check([buyer], [s]);
  });

  it(`answers ${N} checkouts with one key with one order and one PaymentIntent`, async () => {
    const s = await product(a, categoryId, 1700, 10);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 1);
    const k = key();
    const answers = await burst(N, () => checkout(buyer.token, k, "pm_card_visa"));
    const retry = await checkout(buyer.token, k, "pm_card_visa");
    const ids = new Set([...answers, retry].filter((x) => x.status === 201).map((x) => x.body.order.id));
    tried(
      `POST /api/v1/checkout ×${N} at once, one Idempotency-Key: ${JSON.stringify(tally(answers))}; a retry: ${retry.status}`,
    );
    expect(retry.status).toBe(201);
    expect(ids.size, "orders answered").toBe(1);
    expect(
      answers.filter((x) => x.status !== 201 && x.status !== 409).map((x) => x.status),
      "answers other than the order (201) or in progress (409)",
    ).toEqual([]);
    const orderId = [...ids][0] ?? "";
    const intents = (await stripeObjects<{ metadata: Record<string, string> }>("payment_intents")).filter(
      (pi) => pi.metadata.order_id === orderId,
    );
    expect(intents).toHaveLength(1);
    await untilOrder(buyer.token, orderId, (o) => o.status === "paid");
    await check([buyer], [s]);
  });
});

describe("cancel, accept, ship", () => {
  it(`cancels a paid order once when ${N} cancellations arrive at once: one refund of the total, stock back once`, async () => {
    const s = await product(a, categoryId, 1200, 10);
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 3 }]);
    const answers = await burst(N, () => call("POST", `/api/v1/orders/${paid.id}/cancel`, { token: buyer.token }));
    tried(
      `POST /api/v1/orders/:id/cancel ×${N} at once on a paid order of ${paid.total}: ${JSON.stringify(tally(answers))}`,
    );
    expect(answers.some((x) => x.status === 200)).toBe(true);
    await untilOrder(buyer.token, paid.id, (o) => o.subOrders.every((sub) => sub.refunded === sub.total), "refunded");
    await check([buyer], [s]);
  });

  it(`cancels an unpaid order once when ${N} cancellations arrive at once, and its PaymentIntent can no longer be paid`, async () => {
    const s = await product(a, categoryId, 1300, 10);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 2);
    const placed = await checkout(buyer.token, key());
    expect(placed.status).toBe(201);
    const answers = await burst(N, () =>
      call("POST", `/api/v1/orders/${placed.body.order.id}/cancel`, { token: buyer.token }),
    );
    tried(
      `POST /api/v1/orders/:id/cancel ×${N} at once on an order awaiting payment (PaymentIntent for the browser): ${JSON.stringify(tally(answers))}`,
    );
    expect(answers.some((x) => x.status === 200)).toBe(true);
    expect((await order(buyer.token, placed.body.order.id)).status).toBe("cancelled");
    await check([buyer], [s]);
  });

  it(`accepts once and ships once when ${N} accepts, then ${N} ships with different tracking numbers, arrive at once`, async () => {
    const s = await product(a, categoryId, 1100, 10);
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 1 }]);
    const sub = subOf(paid, a);
    // The vendor's list is a read model that follows the order's events.
    await untilVendorSees(a, sub.id);
    const accepts = await burst(N, () => call("POST", `/api/v1/vendor/orders/${sub.id}/accept`, { token: a.token }));
    const ships = await burst(N, (i) =>
      call("POST", `/api/v1/vendor/orders/${sub.id}/ship`, {
        token: a.token,
        body: { carrier: "DHL", trackingNumber: `JD0146${String(i).padStart(5, "0")}` },
      }),
    );
    tried(
      `POST /api/v1/vendor/orders/:id/accept ×${N} at once: ${JSON.stringify(tally(accepts))}; then …/ship ×${N} at once, each its own tracking number: ${JSON.stringify(tally(ships))}`,
    );
    const won = ships.filter((x) => x.status === 200);
    expect(won, "ships that succeeded").toHaveLength(1);
    const after = await order(buyer.token, paid.id);
    expect(after.status).toBe("fulfilled");
    expect(subOf(after, a).trackingNumber).toBe(
      (won[0]?.body as { trackingNumber: string } | undefined)?.trackingNumber,
    );
    expect(
      after.history.filter((h) => h.note?.includes("accepted")),
      "accepted entries in the history",
    ).toHaveLength(1);
    await check([buyer], [s]);
  });

  it(`lets either the shopper's cancellation or the vendor's shipment win, never both, when ${N} of them race`, async () => {
    const s = await product(a, categoryId, 1400, 10);
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 2 }]);
    const sub = subOf(paid, a);
    await untilVendorSees(a, sub.id);
    await must(200, "POST", `/api/v1/vendor/orders/${sub.id}/accept`, { token: a.token });
    const answers = await burst(N, (i) =>
      i % 2 === 0
        ? call("POST", `/api/v1/orders/${paid.id}/cancel`, { token: buyer.token })
        : call("POST", `/api/v1/vendor/orders/${sub.id}/ship`, {
            token: a.token,
            body: { carrier: "UPS", trackingNumber: `1Z999AA1${i}` },
          }),
    );
    const cancelled = answers.filter((x, i) => i % 2 === 0 && x.status === 200).length;
    const shipped = answers.filter((x, i) => i % 2 === 1 && x.status === 200).length;
    tried(
      `POST …/cancel ×${N / 2} interleaved with POST …/ship ×${N / 2}, at once: ${cancelled} cancel(s) and ${shipped} ship(s) succeeded`,
    );
    expect(cancelled > 0 && shipped > 0, "both a cancellation and a shipment succeeded").toBe(false);
    expect(shipped).toBeLessThanOrEqual(1);
    const after = await order(buyer.token, paid.id);
    expect(after.status).toBe(shipped ? "fulfilled" : "cancelled");
    if (!shipped)
      await untilOrder(buyer.token, paid.id, (o) => o.subOrders.every((x) => x.refunded === x.total), "refunded");
    await check([buyer], [s]);
  });
});

describe("stock and payouts", () => {
  it(`keeps stock whole when ${N} stock settings race while a checkout holds units`, async () => {
    const s = await product(a, categoryId, 900, 10);
    const buyer = await shopper();
    await addToCart(buyer.token, s, 3);
    const placed = await checkout(buyer.token, key());
    expect(placed.status).toBe(201);
    const values = Array.from({ length: N }, (_, i) => 20 + i);
    const answers = await burst(N, (i) =>
      call<{ onHand: number; held: number }>("PUT", `/api/v1/vendor/inventory/${s.sku}`, {
        token: a.token,
        body: { onHand: values[i] },
      }),
    );
    const below = await call("PUT", `/api/v1/vendor/inventory/${s.sku}`, { token: a.token, body: { onHand: 2 } });
    tried(
      `PUT /api/v1/vendor/inventory/:sku ×${N} at once (onHand 20…${20 + N - 1}) while a checkout holds 3: ${JSON.stringify(tally(answers))}; onHand 2 (below held): ${below.status}`,
    );
    expect(answers.every((x, i) => x.status === 200 && x.body.onHand === values[i] && x.body.held === 3)).toBe(true);
    expect(below.status).toBe(409);
    const level = await must<{ variants: { sku: string; available: number }[] }>(
      200,
      "GET",
      `/api/v1/products/${s.productId}`,
      { token: reader.token },
    );
    const availableNow = level.variants.find((v) => v.sku === s.sku)?.available ?? -1;
    expect(values, "stock on hand is one of the values set").toContain(availableNow + 3);
    // From here on the stock is whatever the last setting was.
    await check([buyer], [{ ...s, initialStock: availableNow + 3 }]);
  });

  it(`creates one connected account when ${N} payout onboardings of a store arrive at once`, async () => {
    const fresh = await vendor("Onboarding burst", { connect: false });
    const answers = await burst(N, () =>
      call<{ accountId: string }>("POST", "/api/v1/vendor/payouts/onboarding", { token: fresh.token, body: {} }),
    );
    const ids = new Set(answers.filter((x) => x.status === 200).map((x) => x.body.accountId));
    const accounts = (await stripeObjects<{ id: string; metadata: Record<string, string> }>("accounts")).filter(
      (acct) => acct.metadata.vendor_id === fresh.vendorId,
    );
    tried(
      `POST /api/v1/vendor/payouts/onboarding ×${N} at once for a store without an account: ${JSON.stringify(tally(answers))}, ${ids.size} account id(s) answered, ${accounts.length} account(s) at Stripe`,
    );
    expect(answers.every((x) => x.status === 200)).toBe(true);
    expect(ids.size).toBe(1);
    expect(accounts).toHaveLength(1);
  });
});

async function untilVendorSees(v: Vendor, subOrderId: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const page = await must<{ items: { id: string }[] }>(200, "GET", "/api/v1/vendor/orders?limit=20", {
      token: v.token,
    });
    if (page.items.some((x) => x.id === subOrderId)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`sub-order ${subOrderId} never reached the vendor's list`);
}
