import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Session, signUp } from "./helpers.ts";
import { type Checkout, orderOf, paidOrder, payoutsOf, twoVendorMarket, type Vendor } from "./shop.ts";
import { deliver, type FakeEvent, fake, objects } from "./stripe.ts";

let vendorA: Vendor;
let vendorB: Vendor;
let categoryId: string;

beforeAll(async () => {
  ({ vendorA, vendorB, categoryId } = await twoVendorMarket("Refund"));
});

afterEach(() => fake("DELETE", "/faults"));

function refund(
  vendor: Session,
  orderId: string,
  body: { subOrderId: string; amount?: number },
  key: string = crypto.randomUUID(),
) {
  return api("POST", `/api/v1/orders/${orderId}/refund`, {
    token: vendor.accessToken,
    body,
    headers: { "idempotency-key": key },
  });
}

const subOf = (checkout: Checkout, vendor: { vendorId: string }) =>
  checkout.order.subOrders.find((s) => s.vendorId === vendor.vendorId)!;

/** What Stripe refunded of the order's PaymentIntent, in all. */
async function refundedAtStripe(checkout: Checkout) {
  const refunds = await objects<{ payment_intent: string; amount: number }>("refunds");
  return refunds.filter((r) => r.payment_intent === checkout.payment?.id).reduce((sum, r) => sum + r.amount, 0);
}

/** The vendor's ledger for one sub-order: entries and what it sums to (what the platform still owes the vendor). */
async function ledgerOf(vendor: Session, subOrderId: string) {
  const entries = (await payoutsOf(vendor)).items.filter((e) => e.subOrderId === subOrderId);
  return { entries, owed: entries.reduce((sum, e) => sum + e.amount, 0) };
}

async function transferOf(checkout: Checkout, vendor: { vendorId: string }) {
  const transfers = await eventually(
    () =>
      objects<{ transfer_group: string; amount: number; amount_reversed: number; metadata: Record<string, string> }>(
        "transfers",
      ),
    (all) => all.some((t) => t.metadata.sub_order_id === subOf(checkout, vendor).id),
  );
  return transfers.find((t) => t.metadata.sub_order_id === subOf(checkout, vendor).id)!;
}

async function problemOf(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return res.json<{ type: string; detail: string }>();
}

describe("refunds under concurrency", () => {
  it("refunds a sub-order once when three full refunds race, leaving the other vendor's untouched", async () => {
    const shopper = await signUp();
    const order = await paidOrder(shopper, categoryId, [
      { vendor: vendorA, price: 1000, qty: 1 },
      { vendor: vendorB, price: 1000, qty: 1 },
    ]);
    const subA = subOf(order, vendorA);
    await transferOf(order, vendorA);
    const answers = await Promise.all([1, 2, 3].map(() => refund(vendorA, order.order.id, { subOrderId: subA.id })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect((await problemOf(res)).type).toMatch(/^\/problems\/(refund-exceeds-paid|refund-in-progress)$/);
    }
    expect(await refundedAtStripe(order)).toBe(1000);
    const view = await eventually(
      () => orderOf(shopper, order.order.id),
      (o) => o.subOrders.some((s) => s.status === "refunded"),
    );
    expect(view.subOrders.map((s) => [s.vendorId, s.status, s.refunded])).toEqual(
      order.order.subOrders.map((s) =>
        s.id === subA.id ? [s.vendorId, "refunded", 1000] : [s.vendorId, "pending", 0],
      ),
    );
    expect(view.status).toBe("paid");
    const a = await eventually(
      () => ledgerOf(vendorA, subA.id),
      (l) => l.entries.some((e) => e.kind === "reversal"),
    );
    expect(a.owed).toBe(0);
    const b = await ledgerOf(vendorB, subOf(order, vendorB).id);
    expect(b.entries.map((e) => e.kind).sort()).toEqual(["commission", "sale", "transfer"]);
    const row = await env.PAYMENTS_DB.prepare("SELECT amount_refunded FROM payments WHERE order_id = ?")
      .bind(order.order.id)
      .first<{ amount_refunded: number }>();
    expect(row?.amount_refunded).toBe(1000);
  });

  it("reverses 0.05 and then the rest of a transferred share exactly to the transfer, leaving the ledger at zero", async () => {
    const shopper = await signUp();
    const order = await paidOrder(shopper, categoryId, [{ vendor: vendorA, price: 1000, qty: 1 }]);
    const sub = subOf(order, vendorA);
    expect((await transferOf(order, vendorA)).amount).toBe(900);
    const first = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 5 });
    expect(first.status).toBe(200);
    const rest = await refund(vendorA, order.order.id, { subOrderId: sub.id });
    expect(rest.status).toBe(200);
    const parts = [await first.json<{ reversal: number }>(), await rest.json<{ amount: number; reversal: number }>()];
    expect(parts[1]).toMatchObject({ amount: 995 });
    expect(parts[0]!.reversal + parts[1]!.reversal).toBe(900);
    expect((await transferOf(order, vendorA)).amount_reversed).toBe(900);
    expect((await ledgerOf(vendorA, sub.id)).owed).toBe(0);
    const view = await eventually(
      () => orderOf(shopper, order.order.id),
      (o) => o.status === "refunded",
    );
    expect(view.subOrders[0]).toMatchObject({ refunded: 1000, status: "refunded" });
    const ship = await api("POST", `/api/v1/vendor/orders/${sub.id}/ship`, {
      token: vendorA.accessToken,
      body: { carrier: "dhl", trackingNumber: "JD0001" },
    });
    expect(ship.status).toBe(409);
  });
});

describe("refund idempotency and refusals", () => {
  it("replays the first outcome for the same key, and refuses the key with another amount", async () => {
    const order = await paidOrder(await signUp(), categoryId, [{ vendor: vendorA, price: 2000, qty: 1 }]);
    const sub = subOf(order, vendorA);
    const key = crypto.randomUUID();
    const first = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 300 }, key);
    const again = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 300 }, key);
    expect([first.status, again.status]).toEqual([200, 200]);
    expect((await again.json<{ refundId: string }>()).refundId).toBe(
      (await first.json<{ refundId: string }>()).refundId,
    );
    const other = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 400 }, key);
    expect(other.status).toBe(422);
    expect((await problemOf(other)).type).toBe("/problems/idempotency-key-reused");
    expect(await refundedAtStripe(order)).toBe(300);
  });

  it("keeps Stripe's refusal for its key and releases what it had reserved", async () => {
    const order = await paidOrder(await signUp(), categoryId, [{ vendor: vendorA, price: 1500, qty: 1 }]);
    const sub = subOf(order, vendorA);
    await fake("POST", "/faults", { mode: "refuse", path: "/v1/refunds", times: 1 });
    const key = crypto.randomUUID();
    const refused = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 700 }, key);
    expect(refused.status).toBe(409);
    expect((await problemOf(refused)).type).toBe("/problems/processor-refused");
    const replayed = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 700 }, key);
    expect(replayed.status).toBe(409);
    expect((await problemOf(replayed)).type).toBe("/problems/processor-refused");
    expect(await refundedAtStripe(order)).toBe(0);
    const whole = await refund(vendorA, order.order.id, { subOrderId: sub.id });
    expect(whole.status).toBe(200);
    expect((await whole.json<{ amount: number }>()).amount).toBe(1500);
  });

  it("finishes a refund whose answer Stripe lost, once, and answers its key with it", async () => {
    const shopper = await signUp();
    const order = await paidOrder(shopper, categoryId, [{ vendor: vendorA, price: 1200, qty: 1 }]);
    const sub = subOf(order, vendorA);
    // Every attempt of the SDK (it retries twice) is done by Stripe and its answer lost.
    await fake("POST", "/faults", { mode: "drop", path: "/v1/refunds", times: 3 });
    const key = crypto.randomUUID();
    const lost = await refund(vendorA, order.order.id, { subOrderId: sub.id }, key);
    expect(lost.status).toBe(503);
    expect((await problemOf(lost)).type).toBe("/problems/processor-unavailable");
    expect(lost.headers.get("retry-after")).toBeTruthy();
    // Nobody retries: the refund.requested event carries it to the books.
    await eventually(
      () => orderOf(shopper, order.order.id),
      (o) => o.status === "refunded",
      300,
    );
    const books = await eventually(
      () => ledgerOf(vendorA, sub.id),
      (l) => l.entries.some((e) => e.kind === "reversal"),
    );
    expect(books.owed).toBe(0);
    const retried = await refund(vendorA, order.order.id, { subOrderId: sub.id }, key);
    expect(retried.status).toBe(200);
    expect(await refundedAtStripe(order)).toBe(1200);
  });

  it("records a reversal Stripe refuses as a balance the vendor owes, and takes it on the retry", async () => {
    const order = await paidOrder(await signUp(), categoryId, [{ vendor: vendorA, price: 1000, qty: 1 }]);
    const sub = subOf(order, vendorA);
    await transferOf(order, vendorA);
    await fake("POST", "/faults", { mode: "refuse", path: "/v1/transfers/", times: 1 });
    const res = await refund(vendorA, order.order.id, { subOrderId: sub.id, amount: 400 });
    expect(res.status).toBe(200);
    expect(await res.json<{ amount: number; reversal: number }>()).toMatchObject({ amount: 400, reversal: 0 });
    const settled = await eventually(
      () => ledgerOf(vendorA, sub.id),
      (l) => l.entries.some((e) => e.kind === "reversal"),
      300,
    );
    expect(settled.owed).toBe(0);
    expect((await transferOf(order, vendorA)).amount_reversed).toBe(360);
  });

  it("refuses a refund of a disputed payment, and of a sub-order that cost nothing", async () => {
    const shopper = await signUp();
    const order = await paidOrder(shopper, categoryId, [
      { vendor: vendorA, price: 0, qty: 1 },
      { vendor: vendorB, price: 900, qty: 1 },
    ]);
    const free = await refund(vendorA, order.order.id, { subOrderId: subOf(order, vendorA).id });
    expect(free.status).toBe(409);
    expect((await problemOf(free)).type).toBe("/problems/refund-exceeds-paid");

    await fake("POST", `/payment_intents/${order.payment!.id}/dispute`);
    const dispute = (await fake<{ events: FakeEvent[] }>("GET", "/events?type=charge.dispute.created")).events.find(
      (e) => e.payload.includes(order.payment!.id),
    );
    expect((await deliver(dispute!)).status).toBe(200);
    const disputed = await refund(vendorB, order.order.id, { subOrderId: subOf(order, vendorB).id });
    expect(disputed.status).toBe(409);
    expect((await problemOf(disputed)).type).toBe("/problems/payment-disputed");

    // The shopper cancels: the refund it asks for ends as refused, with the reason, not requested forever.
    expect((await api("POST", `/api/v1/orders/${order.order.id}/cancel`, { token: shopper.accessToken })).status).toBe(
      200,
    );
    const cancelled = await eventually(
      () => orderOf(shopper, order.order.id),
      (o) => o.refund?.status === "refused",
    );
    expect(cancelled.history.at(-1)?.note).toMatch(/refund refused: .*disputed/);
    expect(await refundedAtStripe(order)).toBe(0);
  });
});
