import { createExecutionContext, createMessageBatch, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Order, PlaceInput, PlaceResult, Transition } from "#do/order.ts";
import type { OrderLine, SubOrder } from "#lib/contracts/api/orders.ts";
import OrdersWorker from "../src/index.ts";

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

async function placedOrder(
  lines = [line("sku_a", "ven_a", 2, 1250), line("sku_b", "ven_b", 1, 999)],
  shipping: Record<string, number> = {},
  userId = "usr_shopper",
) {
  const order = newOrder(lines, shipping);
  order.input.userId = userId;
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

  it("adds each vendor's shipping to the total and, once paid, to that vendor's sub-order", async () => {
    const { stub, order } = await placedOrder(undefined, { ven_a: 490, ven_b: 0 });
    expect(order).toMatchObject({ shipping: 490, total: 2500 + 999 + 490 });
    // The payment must be for the total with shipping.
    expect(await stub.markPaid("pi_goods_only", 3499, "EUR")).toMatchObject({ order: { status: "cancelled" } });
    const other = await placedOrder(undefined, { ven_a: 490, ven_b: 0 });
    const paid: Transition = await other.stub.markPaid("pi_with_shipping", 3989, "EUR");
    if (!paid.ok) throw new Error("not paid");
    expect(paid.order.subOrders.map((s) => [s.vendorId, s.shipping, s.total])).toEqual([
      ["ven_a", 490, 2990],
      ["ven_b", 0, 999],
    ]);
  });
});

/** A paid order whose sub-orders were all accepted and shipped, or only those listed. */
async function shippedOrder(userId = "usr_shopper", ship = ["ven_a", "ven_b"]) {
  const placed = await placedOrder(undefined, { ven_a: 490, ven_b: 590 }, userId);
  const paid: Transition = await placed.stub.markPaid(`pi_${placed.orderId}`, placed.order.total, "EUR");
  if (!paid.ok) throw new Error("not paid");
  for (const sub of paid.order.subOrders) {
    await placed.stub.accept(sub.id, sub.vendorId);
    if (ship.includes(sub.vendorId)) await placed.stub.ship(sub.id, sub.vendorId, "DHL", `JD${sub.id}`);
  }
  const [a, b] = paid.order.subOrders as [SubOrder, SubOrder];
  return { ...placed, a, b };
}

function shipmentUpdated(orderId: string, sub: SubOrder, version: number, status: string) {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: "shipment.updated",
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "shipping",
    traceId: "trace-test",
    data: {
      version,
      shipment: {
        id: `shp_${sub.id}`,
        orderId,
        subOrderId: sub.id,
        vendorId: sub.vendorId,
        userId: "usr_shopper",
        status,
        carrier: "DHL",
        trackingNumber: `JD${sub.id}`,
        events: [],
      },
    },
  };
}

/** Delivers events to the orders inbox as the queue would, each message with its own id (fixed across redeliveries). */
async function deliver(...events: ReturnType<typeof shipmentUpdated>[]) {
  const batch = createMessageBatch(
    "orders-inbox",
    events.map((body) => ({ id: `msg-${body.id}`, timestamp: new Date(), attempts: 1, body })),
  );
  await new OrdersWorker(createExecutionContext(), env).queue(batch);
}

async function versionOf(stub: DurableObjectStub<Order>): Promise<number> {
  return runInDurableObject(stub, async (_instance: Order, state) => {
    const stored = await state.storage.get<{ version: number }>("state");
    return stored?.version ?? 0;
  });
}

const notes = (order: { history: { note: string | null }[] }) => order.history.map((h) => h.note);

describe("Order Durable Object: delivery", () => {
  it("marks a shipped sub-order delivered and completes the order when every sub-order is", async () => {
    const { stub, orderId, a, b } = await shippedOrder();
    await deliver(shipmentUpdated(orderId, a, 1, "in_transit"));
    expect(await stub.get()).toMatchObject({ order: { status: "fulfilled" } });
    await deliver(shipmentUpdated(orderId, a, 2, "delivered"));
    const partial = await stub.get();
    expect(partial?.order.status).toBe("fulfilled");
    expect(partial?.order.subOrders.map((s) => s.status)).toEqual(["delivered", "shipped"]);
    await deliver(shipmentUpdated(orderId, b, 4, "delivered"));
    const done = await stub.get();
    expect(done?.order.status).toBe("completed");
    expect(done?.order.subOrders.map((s) => s.status)).toEqual(["delivered", "delivered"]);
    expect(notes(done?.order ?? { history: [] }).slice(-3)).toEqual([
      `sub-order ${a.id} delivered`,
      `sub-order ${b.id} delivered`,
      "every sub-order delivered",
    ]);
  });

  it("delivers only from shipped, and completes with a refunded sub-order left aside", async () => {
    const { stub, orderId, a, b } = await shippedOrder("usr_shopper", ["ven_a"]);
    // ven_b's sub-order was accepted, not shipped: its delivery is not taken.
    expect(await stub.markShipment(b.id, b.vendorId, 1, "delivered")).toMatchObject({ ok: false });
    expect(await stub.markShipment(b.id, "ven_a", 1, "delivered")).toMatchObject({ ok: false });
    await stub.markRefunded("re_b", b.id, b.total);
    await deliver(shipmentUpdated(orderId, a, 1, "delivered"));
    const done = await stub.get();
    expect(done?.order.subOrders.map((s) => s.status)).toEqual(["delivered", "refunded"]);
    expect(done?.order.status).toBe("completed");
  });

  it("changes the order once however often, and in whatever order, the shipment's snapshots arrive", async () => {
    const { stub, orderId, a, b } = await shippedOrder();
    const start = await versionOf(stub);
    const delivered = shipmentUpdated(orderId, a, 3, "delivered");
    await deliver(delivered);
    await deliver(delivered);
    // An older snapshot after the newer one, and the same shipment's delivery under another event id.
    await deliver(shipmentUpdated(orderId, a, 2, "in_transit"));
    await deliver(shipmentUpdated(orderId, a, 3, "delivered"));
    expect(await versionOf(stub)).toBe(start + 1);
    const order = (await stub.get())?.order;
    expect(order?.subOrders.map((s) => s.status)).toEqual(["delivered", "shipped"]);
    expect(notes(order ?? { history: [] }).filter((note) => note === `sub-order ${a.id} delivered`)).toHaveLength(1);

    // A batch redelivered whole after its first message was acked: b is delivered once.
    const batch = [shipmentUpdated(orderId, b, 5, "delivered"), shipmentUpdated(orderId, b, 4, "out_for_delivery")];
    await deliver(...batch);
    await deliver(...batch);
    expect(await versionOf(stub)).toBe(start + 2);
    expect((await stub.get())?.order.status).toBe("completed");
  });

  it("counts a purchase for reviews only once its sub-order is delivered", async () => {
    const userId = `usr_buyer_${Date.now()}`;
    const { stub, orderId, a, b } = await shippedOrder(userId);
    const worker = () => new OrdersWorker(createExecutionContext(), env);
    const projected = async (status: string) => {
      for (let i = 0; i < 50; i++) {
        const row = await env.DB.prepare("SELECT status FROM sub_orders WHERE id = ?")
          .bind(a.id)
          .first<{ status: string }>();
        if (row?.status === status) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`sub-order never became ${status} in the read model`);
    };
    await projected("shipped");
    expect(await worker().hasPurchased(userId, "prd_sku_a")).toBe(false);
    await deliver(shipmentUpdated(orderId, a, 1, "delivered"));
    expect((await stub.get())?.order.subOrders[0]?.status).toBe("delivered");
    await projected("delivered");
    expect(await worker().hasPurchased(userId, "prd_sku_a")).toBe(true);
    // ven_b's sub-order (sku_b) is still on its way; another shopper bought nothing.
    expect(await worker().hasPurchased(userId, "prd_sku_b")).toBe(false);
    expect(await worker().hasPurchased("usr_someone_else", "prd_sku_a")).toBe(false);
    expect(b.status).toBe("pending");
  });
});
