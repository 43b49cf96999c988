import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ACTOR_HEADER, encodeActor } from "#lib/contracts/actor.ts";
import type { Order, SubOrder } from "#lib/contracts/api/orders.ts";
import type { Shipment } from "#lib/contracts/api/shipping.ts";
import { verifyHmacSha256Hex as verifyHmac } from "#lib/crypto.ts";
import ShippingWorker from "../src/index.ts";
import { verifySignature } from "../src/services/signature.ts";

const SECRET = "carrier_test_dhl";
let seq = 0;

function subOrder(id: string, status: SubOrder["status"], tracking: string | null = null): SubOrder {
  return {
    id,
    vendorId: "ven_ship",
    status,
    lines: [],
    shipping: 0,
    total: 1000,
    refunded: 0,
    carrier: tracking ? "DHL" : null,
    trackingNumber: tracking,
  };
}

function orderUpdated(orderId: string, version: number, status: Order["status"], subOrders: SubOrder[]) {
  const order: Order = {
    id: orderId,
    status,
    currency: "EUR",
    shipping: 0,
    total: 1000,
    lines: [],
    subOrders,
    shippingAddress: { recipient: "A", line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE" },
    paymentDeadline: null,
    refund: null,
    history: [],
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
  };
  return {
    id: `evt_order_${orderId}_${version}_${seq++}`,
    type: "order.updated",
    version: 1,
    occurredAt: new Date(Date.UTC(2026, 10, 1, 0, version)).toISOString(),
    source: "orders",
    traceId: "trace-test",
    data: { version, userId: "usr_shopper", order },
  };
}

async function deliver(...bodies: unknown[]) {
  const batch = createMessageBatch(
    "shipping-inbox",
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await new ShippingWorker(ctx, env).queue(batch);
  return getQueueResult(batch, ctx);
}

async function shipmentsOf(orderId: string) {
  const rows = await env.DB.prepare("SELECT * FROM shipments WHERE order_id = ? ORDER BY id").bind(orderId).all<{
    id: string;
    status: string;
    version: number;
    carrier: string | null;
    tracking_number: string | null;
  }>();
  return rows.results;
}

/** The shipment.updated events staged for the shipment, oldest first. */
async function eventsOf(shipmentId: string) {
  const rows = await env.DB.prepare(
    "SELECT envelope FROM outbox WHERE type = 'shipment.updated' ORDER BY created_at",
  ).all<{
    envelope: string;
  }>();
  return rows.results
    .map((r) => JSON.parse(r.envelope) as { data: { version: number; shipment: Shipment } })
    .filter((e) => e.data.shipment.id === shipmentId)
    .map((e) => e.data);
}

/** Each change of the shipment published once: versions 1..n, one event each. */
async function expectOneEventPerChange(shipmentId: string, changes: number) {
  const events = await eventsOf(shipmentId);
  expect(events.map((e) => e.version)).toEqual(Array.from({ length: changes }, (_, i) => i + 1));
  const [row] = await env.DB.prepare("SELECT version FROM shipments WHERE id = ?")
    .bind(shipmentId)
    .all<{ version: number }>()
    .then((r) => r.results);
  expect(row?.version).toBe(changes);
}

describe("shipments from order.updated", () => {
  it("opens one shipment per sub-order when the order is paid, once however often the event comes", async () => {
    const paid = orderUpdated("ord_twice", 2, "paid", [
      subOrder("sub_twice_a", "pending"),
      subOrder("sub_twice_b", "pending"),
    ]);
    await deliver(orderUpdated("ord_twice", 1, "awaiting_payment", []));
    await deliver(paid, paid);
    await deliver(paid);
    const shipments = await shipmentsOf("ord_twice");
    expect(shipments.map((s) => s.status)).toEqual(["awaiting_shipment", "awaiting_shipment"]);
    for (const s of shipments) await expectOneEventPerChange(s.id, 1);
    const [first] = await eventsOf(shipments[0]!.id);
    expect(first?.shipment).toMatchObject({
      orderId: "ord_twice",
      userId: "usr_shopper",
      vendorId: "ven_ship",
      events: [],
    });
  });

  it("ignores an older order version that arrives after a newer one", async () => {
    await deliver(orderUpdated("ord_late", 3, "fulfilled", [subOrder("sub_late", "shipped", "JD-LATE")]));
    await deliver(orderUpdated("ord_late", 2, "paid", [subOrder("sub_late", "pending")]));
    const [shipment] = await shipmentsOf("ord_late");
    expect(shipment).toMatchObject({ status: "shipped", carrier: "DHL", tracking_number: "JD-LATE" });
    await expectOneEventPerChange(shipment!.id, 1);
  });

  it("ships, and closes a sub-order cancelled before shipping, one event per change", async () => {
    await deliver(
      orderUpdated("ord_flow", 2, "paid", [subOrder("sub_flow_a", "pending"), subOrder("sub_flow_b", "pending")]),
    );
    await deliver(
      orderUpdated("ord_flow", 3, "paid", [
        subOrder("sub_flow_a", "shipped", "JD-FLOW"),
        subOrder("sub_flow_b", "refunded"),
      ]),
    );
    // A refund after shipping leaves the shipment alone.
    await deliver(
      orderUpdated("ord_flow", 4, "refunded", [subOrder("sub_flow_a", "refunded"), subOrder("sub_flow_b", "refunded")]),
    );
    const [a, b] = await shipmentsOf("ord_flow");
    expect([a?.status, b?.status]).toEqual(["shipped", "cancelled"]);
    await expectOneEventPerChange(a!.id, 2);
    await expectOneEventPerChange(b!.id, 2);
  });

  it("a batch redelivered after a partial ack (the acked message again) applies each change once", async () => {
    const paid = orderUpdated("ord_batch", 2, "paid", [subOrder("sub_batch", "accepted")]);
    const shipped = orderUpdated("ord_batch", 3, "fulfilled", [subOrder("sub_batch", "shipped", "JD-BATCH")]);
    // The first delivery of the batch acked only `paid` (as if `shipped` had failed)...
    await deliver(paid);
    // ...and the redelivery carries both, handled concurrently.
    const result = await deliver(paid, shipped, shipped);
    const retried = result.retryMessages.length;
    if (retried) await deliver(shipped);
    const [shipment] = await shipmentsOf("ord_batch");
    expect(shipment?.status).toBe("shipped");
    await expectOneEventPerChange(shipment!.id, 2);
  });

  it("two order versions racing in one batch end at the newest, each shipment change published once", async () => {
    const v2 = orderUpdated("ord_race", 2, "paid", [subOrder("sub_race", "pending")]);
    const v3 = orderUpdated("ord_race", 3, "fulfilled", [subOrder("sub_race", "shipped", "JD-RACE")]);
    const result = await deliver(v2, v3);
    // A loser of the race is retried alone; its redelivery applies or is ignored as older.
    if (result.retryMessages.length) await deliver(v2, v3);
    const [shipment] = await shipmentsOf("ord_race");
    expect(shipment?.status).toBe("shipped");
    await expectOneEventPerChange(shipment!.id, shipment!.version);
  });
});

async function sign(payload: string, at = Math.floor(Date.now() / 1000), secret = SECRET) {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${at}.${payload}`)));
  return `t=${at},v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

let carrierSeq = 0;
const carrierEvent = (trackingNumber: string, status: string, occurredAt: string, id = `ce_${carrierSeq++}`) =>
  JSON.stringify({ id, trackingNumber, status, occurredAt, location: "Leipzig" });

async function post(body: string, signature: string | null, carrier = "dhl") {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== null) headers["carrier-signature"] = signature;
  return exports.default.fetch(`http://shipping/webhooks/carrier/${carrier}`, { method: "POST", headers, body });
}

/** A shipped shipment of a fresh order, by its tracking number. */
async function shippedParcel(tracking: string) {
  const orderId = `ord_${tracking}`;
  await deliver(orderUpdated(orderId, 2, "fulfilled", [subOrder(`sub_${tracking}`, "shipped", tracking)]));
  return (await shipmentsOf(orderId))[0]!;
}

async function tracking(orderId: string, userId = "usr_shopper") {
  return exports.default.fetch(`http://shipping/api/v1/orders/${orderId}/tracking`, {
    headers: { [ACTOR_HEADER]: encodeActor({ sub: userId, roles: ["customer"] }) },
  });
}

describe("carrier webhook", () => {
  it("verifies a known HMAC-SHA256 vector (RFC 4231 case 2) and a header computed outside the Worker", async () => {
    const rfc = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    expect(await verifyHmac("Jefe", "what do ya want for nothing?", rfc)).toBe(true);
    expect(await verifyHmac("Jefe", "what do ya want for nothing!", rfc)).toBe(false);
    // openssl dgst -sha256 -hmac carrier_test_dhl of "1764000000.<body>"
    const body =
      '{"id":"evt_vector","trackingNumber":"JD000000001","status":"in_transit","occurredAt":"2025-11-24T16:00:00Z"}';
    const header = "t=1764000000,v1=ad33ad07834c432c91ffa40f3476de294a0d7bca0d63a1957d9db60c8a2c4403";
    await expect(verifySignature(SECRET, header, body, 1764000100)).resolves.toBeUndefined();
    await expect(verifySignature(SECRET, header, `${body} `, 1764000100)).rejects.toMatchObject({ status: 400 });
    await expect(verifySignature("other", header, body, 1764000100)).rejects.toMatchObject({ status: 400 });
  });

  it("refuses forged, stale, future, unsigned and unknown-carrier events, changing nothing", async () => {
    const parcel = await shippedParcel("JD-REFUSE");
    const now = Math.floor(Date.now() / 1000);
    const body = carrierEvent("JD-REFUSE", "delivered", new Date().toISOString());
    const refusals = [
      await post(body, await sign(body, now, "not_the_secret")),
      await post(body, await sign(body, now - 301)),
      await post(body, await sign(body, now + 301)),
      await post(body, `t=${now},t=${now - 1000},${(await sign(body, now)).split(",")[1]}`),
      await post(body, null),
      await post(body, await sign(body, now), "acme"),
      await post(body, await sign(body, now), "constructor"),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await refusals[0]!.json<{ type: string }>()).type).toBe("/problems/invalid-signature");
    expect((await refusals[5]!.json<{ type: string }>()).type).toBe("/problems/validation");
    const [after] = await shipmentsOf(`ord_JD-REFUSE`);
    expect(after).toMatchObject({ status: "shipped", version: parcel.version });
  });

  it("walks a parcel to delivered; a replayed event answers 200 and changes nothing", async () => {
    const parcel = await shippedParcel("JD-WALK");
    const t0 = Date.now();
    const steps = ["in_transit", "out_for_delivery", "delivered"].map((status, i) =>
      carrierEvent("JD-WALK", status, new Date(t0 + i * 60_000).toISOString()),
    );
    for (const body of steps) {
      const res = await post(body, await sign(body));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, result: "applied" });
    }
    const replay = await post(steps[1]!, await sign(steps[1]!));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ received: true, result: "duplicate" });
    const res = await tracking("ord_JD-WALK");
    expect(res.status).toBe(200);
    const view = await res.json<{ shipments: Shipment[] }>();
    expect(view.shipments[0]).toMatchObject({ status: "delivered", carrier: "DHL", trackingNumber: "JD-WALK" });
    expect(view.shipments[0]!.events.map((e) => e.status)).toEqual([
      "shipped",
      "in_transit",
      "out_for_delivery",
      "delivered",
    ]);
    await expectOneEventPerChange(parcel.id, 4);
  });

  it("delivered before in_transit: delivered at once; the late in_transit joins the timeline in its place", async () => {
    const parcel = await shippedParcel("JD-OOO");
    const t0 = Date.now() - 3_600_000;
    const delivered = carrierEvent("JD-OOO", "delivered", new Date(t0 + 120_000).toISOString());
    const inTransit = carrierEvent("JD-OOO", "in_transit", new Date(t0 + 60_000).toISOString());
    expect((await post(delivered, await sign(delivered))).status).toBe(200);
    expect((await shipmentsOf("ord_JD-OOO"))[0]?.status).toBe("delivered");
    expect((await post(inTransit, await sign(inTransit))).status).toBe(200);
    const events = await eventsOf(parcel.id);
    const last = events.at(-1)!;
    expect(last.shipment.status).toBe("delivered");
    expect(last.shipment.events.map((e) => e.status)).toEqual(["shipped", "in_transit", "delivered"]);
    await expectOneEventPerChange(parcel.id, 3);
  });

  it("an exception holds until the next step forward; nothing moves a delivered parcel back", async () => {
    await shippedParcel("JD-EXC");
    const t0 = Date.now() - 3_600_000;
    const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();
    const send = async (status: string, minutes: number) => {
      const body = carrierEvent("JD-EXC", status, at(minutes));
      expect((await post(body, await sign(body))).status).toBe(200);
      return (await shipmentsOf("ord_JD-EXC"))[0]?.status;
    };
    expect(await send("in_transit", 1)).toBe("in_transit");
    expect(await send("exception", 2)).toBe("exception");
    // An older step than the one reached does not clear it.
    expect(await send("in_transit", 3)).toBe("exception");
    expect(await send("out_for_delivery", 4)).toBe("out_for_delivery");
    expect(await send("delivered", 5)).toBe("delivered");
    expect(await send("exception", 6)).toBe("delivered");
  });

  it("answers 404 for an unknown tracking number and hides another shopper's order", async () => {
    const body = carrierEvent("JD-NOBODY", "in_transit", new Date().toISOString());
    expect((await post(body, await sign(body))).status).toBe(404);
    await shippedParcel("JD-MINE");
    expect((await tracking("ord_JD-MINE", "usr_someone_else")).status).toBe(404);
    expect((await tracking("ord_unknown")).status).toBe(404);
  });

  it("lists only the vendor's own shipments, by status", async () => {
    const list = (vid: string, query = "") =>
      exports.default
        .fetch(`http://shipping/api/v1/vendor/shipments?limit=100${query}`, {
          headers: { [ACTOR_HEADER]: encodeActor({ sub: `usr_${vid}`, roles: ["vendor"], vid }) },
        })
        .then((r) => r.json<{ items: { vendorId: string; status: string }[] }>());
    const mine = await list("ven_ship", "&status=delivered");
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((s) => s.vendorId === "ven_ship" && s.status === "delivered")).toBe(true);
    expect((await list("ven_other")).items).toEqual([]);
  });
});
