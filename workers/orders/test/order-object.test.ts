import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Order, PlaceInput, PlaceResult, Transition } from "#do/order.ts";
import type { OrderLine } from "#lib/contracts/api/orders.ts";

const line = (sku: string, vendorId: string, qty: number, unitPrice: number): OrderLine => ({
  sku,
  productId: `prd_${sku}`,
  vendorId,
  title: sku,
  attributes: {},
  qty,
  unitPrice,
  lineTotal: qty * unitPrice,
});

let n = 0;
function newOrder(lines: OrderLine[], shipping: Record<string, number> = {}) {
  const orderId = `ord_test_${++n}_${Date.now()}`;
  const stub = env.ORDER.get(env.ORDER.idFromName(orderId));
  const input: PlaceInput = {
    orderId,
    userId: "usr_shopper",
    lines,
    currency: "EUR",
    shipping,
    shippingAddress: { recipient: "A", line1: "1 Main St", city: "Springfield", postalCode: "62701", country: "US" },
    paymentWindowSeconds: 900,
    traceId: "trace-test",
  };
  return { orderId, stub, input };
}

async function placedOrder(lines = [line("sku_a", "ven_a", 2, 1250), line("sku_b", "ven_b", 1, 999)]) {
  const order = newOrder(lines);
  const result: PlaceResult = await order.stub.place(order.input);
  if (!result.ok) throw new Error("not placed");
  return { ...order, order: result.order };
}

describe("Order Durable Object", () => {
  it("places an order that awaits payment, once however often it is asked", async () => {
    const { stub, input, order } = await placedOrder();
    expect(order).toMatchObject({ status: "awaiting_payment", total: 2 * 1250 + 999, subOrders: [] });
    const again: PlaceResult = await stub.place(input);
    expect(again).toEqual({ ok: true, order });
  });

  it("refuses the whole order when one SKU cannot be held", async () => {
    const { stub, input } = newOrder([line("sku_a", "ven_a", 1, 100), line("sku_gone", "ven_b", 1, 100)]);
    expect(await stub.place(input)).toEqual({ ok: false, reason: "out_of_stock", skus: ["sku_gone"] });
    expect(await stub.get()).toMatchObject({ rejected: true });
    expect(await stub.markPaid("pi_1", 200, "EUR")).toMatchObject({ ok: false });
  });

  it("becomes paid only from awaiting payment, splitting into one sub-order per vendor", async () => {
    const { stub, order } = await placedOrder();
    const paid: Transition = await stub.markPaid("pi_ok", order.total, "EUR");
    expect(paid.ok && paid.order.status).toBe("paid");
    if (!paid.ok) return;
    expect(paid.order.subOrders.map((s) => [s.vendorId, s.total])).toEqual([
      ["ven_a", 2500],
      ["ven_b", 999],
    ]);
    // A replayed event changes nothing; a failure after payment is ignored.
    expect(await stub.markPaid("pi_ok", order.total, "EUR")).toEqual(paid);
    expect(await stub.markFailed("late decline")).toEqual(paid);
    expect(await stub.markPaid("pi_other", order.total, "EUR")).toMatchObject({ ok: false });
  });

  it("cancels and asks for a refund when the amount paid is not the order's total", async () => {
    const { stub, order } = await placedOrder();
    const result: Transition = await stub.markPaid("pi_short", order.total - 1, "EUR");
    expect(result).toMatchObject({
      ok: true,
      order: { status: "cancelled", refund: { amount: order.total - 1, status: "requested" } },
    });
  });

  it("cancels and refunds when a hold lapsed before the payment could commit it", async () => {
    const { stub, order } = await placedOrder([line("sku_a", "ven_a", 1, 500), line("sku_lapsed", "ven_b", 1, 500)]);
    expect(await stub.markPaid("pi_lapsed", order.total, "EUR")).toMatchObject({
      ok: true,
      order: { status: "cancelled", refund: { amount: 1000 } },
    });
  });

  it("lets the payment window lapse by alarm, cancelling the order", async () => {
    const { stub } = await placedOrder();
    await runInDurableObject(stub, async (_instance: Order, state) => {
      const stored = await state.storage.get<{ deadline: number }>("state");
      await state.storage.put("state", { ...stored, deadline: Date.now() - 1 });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.get()).toMatchObject({ order: { status: "cancelled", refund: null } });
  });

  it("moves a sub-order from pending to accepted to shipped, for its own vendor only, and fulfils the order", async () => {
    const { stub, order } = await placedOrder([line("sku_a", "ven_a", 1, 500)]);
    const paid: Transition = await stub.markPaid("pi_ship", order.total, "EUR");
    if (!paid.ok) throw new Error("not paid");
    const sub = paid.order.subOrders[0]!;
    expect(await stub.ship(sub.id, "ven_a", "DHL", "JD0146")).toMatchObject({ ok: false });
    expect(await stub.accept(sub.id, "ven_b")).toMatchObject({ ok: false });
    expect(await stub.accept(sub.id, "ven_a")).toMatchObject({ ok: true });
    expect(await stub.ship(sub.id, "ven_a", "DHL", "JD0146")).toMatchObject({
      ok: true,
      order: { status: "fulfilled" },
    });
    expect(await stub.cancel()).toMatchObject({ ok: false });
  });

  it("publishes every change, so the order lists catch up", async () => {
    const { orderId } = await placedOrder();
    for (let i = 0; i < 50; i++) {
      const row = await env.DB.prepare("SELECT status FROM orders WHERE id = ?")
        .bind(orderId)
        .first<{ status: string }>();
      if (row) return expect(row.status).toBe("awaiting_payment");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("the order never reached the list");
  });
});
