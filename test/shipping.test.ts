import { beforeAll, describe, expect, it } from "vitest";
import { carrierPost } from "./carrier.ts";
import {
  adminSession,
  api,
  createCategory,
  createProduct,
  DELIVERY,
  eventually,
  expectProblem,
  publishPaymentEvent,
  type Session,
  signUp,
  vendorSession,
} from "./helpers.ts";

type Vendor = Session & { vendorId: string };
let vendorA: Vendor;
let vendorB: Vendor;
let categoryId: string;

beforeAll(async () => {
  const admin = await adminSession();
  categoryId = await createCategory(admin, `shipping-${crypto.randomUUID().slice(0, 8)}`);
  [vendorA, vendorB] = await Promise.all([vendorSession(admin, "Ship A"), vendorSession(admin, "Ship B")]);
});

const eur = {
  name: "Europe",
  currency: "EUR",
  zones: [
    { name: "Home", countries: ["DE", "AT"], flatRate: 490, perKgRate: 150, freeShippingThreshold: 5000 },
    { name: "World", countries: ["*"], flatRate: 1990, perKgRate: 500, freeShippingThreshold: null },
  ],
};

describe("vendor shipping profiles", () => {
  it("creates, reads, replaces and deletes the store's own profiles; another store gets 404", async () => {
    const token = vendorA.accessToken;
    const created = await api("POST", "/api/v1/vendor/shipping-profiles", { token, body: eur });
    expect(created.status).toBe(201);
    const profile = await created.json<{ id: string; zones: unknown[] }>();
    expect(profile).toMatchObject({ name: "Europe", currency: "EUR", zones: eur.zones });
    const path = `/api/v1/vendor/shipping-profiles/${profile.id}`;

    const list = await api("GET", "/api/v1/vendor/shipping-profiles", { token });
    expect((await list.json<{ items: { id: string }[] }>()).items.map((p) => p.id)).toEqual([profile.id]);

    const again = await api("POST", "/api/v1/vendor/shipping-profiles", { token, body: { ...eur, name: "Twice" } });
    expect(await expectProblem(again, 409)).toMatchObject({ type: "/problems/shipping-profile-exists" });

    const replaced = await api("PUT", path, { token, body: { ...eur, name: "Europe 2", zones: [eur.zones[0]] } });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ name: "Europe 2", zones: [eur.zones[0]] });

    const other = vendorB.accessToken;
    expect((await api("GET", path, { token: other })).status).toBe(404);
    expect((await api("PUT", path, { token: other, body: eur })).status).toBe(404);
    expect((await api("DELETE", path, { token: other })).status).toBe(404);
    const theirs = await api("GET", "/api/v1/vendor/shipping-profiles", { token: other });
    expect((await theirs.json<{ items: unknown[] }>()).items).toEqual([]);
    // The same currency is free for another store.
    expect((await api("POST", "/api/v1/vendor/shipping-profiles", { token: other, body: eur })).status).toBe(201);

    expect((await api("GET", path, { token })).status).toBe(200);
    expect((await api("DELETE", path, { token })).status).toBe(204);
    expect((await api("GET", path, { token })).status).toBe(404);
  });

  it("refuses a country in two zones, two * zones, * beside countries, unknown codes and unbounded zones", async () => {
    const zone = eur.zones[0]!;
    const bodies = [
      { ...eur, zones: [zone, { ...zone, name: "Again", countries: ["AT"] }] },
      { ...eur, zones: [eur.zones[1], { ...eur.zones[1], name: "World 2" }] },
      { ...eur, zones: [{ ...zone, countries: ["DE", "*"] }] },
      { ...eur, zones: [{ ...zone, countries: ["XX"] }] },
      { ...eur, zones: [{ ...zone, countries: ["de"] }] },
      { ...eur, currency: "EURO" },
      { ...eur, zones: [] },
      { ...eur, zones: Array.from({ length: 51 }, (_, i) => ({ ...zone, name: `Z${i}`, countries: ["*"] })) },
      { ...eur, zones: [{ ...zone, flatRate: -1 }] },
    ];
    for (const body of bodies) {
      const res = await api("POST", "/api/v1/vendor/shipping-profiles", { token: vendorA.accessToken, body });
      expect(await expectProblem(res, 400)).toMatchObject({ type: "/problems/validation" });
    }
    const list = await api("GET", "/api/v1/vendor/shipping-profiles", { token: vendorA.accessToken });
    expect((await list.json<{ items: unknown[] }>()).items).toEqual([]);
  });
});

type Tracking = { orderId: string; shipments: { subOrderId: string; status: string; events: { status: string }[] }[] };

describe("tracking", () => {
  it("follows a paid order's parcel from the vendor's ship to the carrier's delivery, for its shopper only", async () => {
    const shopper = await signUp("Tracker");
    const stranger = await signUp("Stranger");
    const product = await createProduct(vendorB, { categoryId }, { stock: 5, publish: true });
    await eventually(
      () =>
        api("POST", "/api/v1/cart/items", {
          token: shopper.accessToken,
          body: { sku: product.variants[0]!.sku, qty: 1 },
        }),
      (r) => r.status === 200,
    );
    const checkout = await api("POST", "/api/v1/checkout", {
      token: shopper.accessToken,
      body: { shippingAddress: DELIVERY },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(checkout.status).toBe(201);
    const { order } = await checkout.json<{ order: { id: string; total: number } }>();
    const path = `/api/v1/orders/${order.id}/tracking`;
    const tracking = (token: string) => api("GET", path, { token }).then((r) => r.json<Tracking>());

    // Known before it is paid, with no shipment yet; hidden from anyone else.
    await eventually(
      () => api("GET", path, { token: shopper.accessToken }),
      (r) => r.status === 200,
    );
    expect((await tracking(shopper.accessToken)).shipments).toEqual([]);
    await expectProblem(await api("GET", path, { token: stranger.accessToken }), 404);

    await publishPaymentEvent("payment.succeeded", {
      orderId: order.id,
      paymentId: `pi_${order.id}`,
      amount: order.total,
      currency: "EUR",
    });
    const opened = await eventually(
      () => tracking(shopper.accessToken),
      (t) => t.shipments.length === 1,
    );
    expect(opened.shipments[0]).toMatchObject({ status: "awaiting_shipment", vendorId: vendorB.vendorId });
    const subOrderId = opened.shipments[0]!.subOrderId;

    const vendorToken = vendorB.accessToken;
    expect((await api("POST", `/api/v1/vendor/orders/${subOrderId}/accept`, { token: vendorToken })).status).toBe(200);
    const trackingNumber = `JD${crypto.randomUUID().slice(0, 8)}`;
    const shipped = await api("POST", `/api/v1/vendor/orders/${subOrderId}/ship`, {
      token: vendorToken,
      body: { carrier: "DHL", trackingNumber },
    });
    expect(shipped.status).toBe(200);
    await eventually(
      () => tracking(shopper.accessToken),
      (t) => t.shipments[0]?.status === "shipped",
    );

    const now = Date.now();
    const delivered = await carrierPost({
      id: `dhl_${trackingNumber}_2`,
      trackingNumber,
      status: "delivered",
      occurredAt: new Date(now + 60_000).toISOString(),
      location: "London",
    });
    expect(delivered.status).toBe(200);
    const late = await carrierPost({
      id: `dhl_${trackingNumber}_1`,
      trackingNumber,
      status: "in_transit",
      occurredAt: new Date(now).toISOString(),
    });
    expect(late.status).toBe(200);
    const final = await tracking(shopper.accessToken);
    expect(final.shipments[0]?.status).toBe("delivered");
    expect(final.shipments[0]?.events.map((e) => e.status)).toEqual(["shipped", "in_transit", "delivered"]);
    await expectProblem(await api("GET", path, { token: stranger.accessToken }), 404);

    const list = (token: string) =>
      api("GET", "/api/v1/vendor/shipments?status=delivered&limit=100", { token }).then((r) =>
        r.json<{ items: { subOrderId: string }[] }>(),
      );
    expect((await list(vendorToken)).items.map((s) => s.subOrderId)).toContain(subOrderId);
    expect((await list(vendorA.accessToken)).items.map((s) => s.subOrderId)).not.toContain(subOrderId);
  });

  it("refuses an unsigned carrier event through the gateway", async () => {
    const res = await api("POST", "/webhooks/carrier/dhl", {
      body: { id: "x", trackingNumber: "x", status: "delivered", occurredAt: new Date().toISOString() },
    });
    expect(await expectProblem(res, 400)).toMatchObject({ type: "/problems/invalid-signature" });
  });
});
