import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Order } from "#do/order.ts";
import { ACTOR_HEADER, encodeActor } from "#lib/contracts/actor.ts";
import type { Cart, Order as OrderView } from "#lib/contracts/api/orders.ts";
import OrdersWorker from "../src/index.ts";

// Rates of the stand-in shipping (vitest.config.ts): eu 490 + 100 per started kg past the first, free from
// 10000 of goods; na 1500 + 400 per started kg past the first. sku_a 1250 / 400 g and sku_big 6000 / 2500 g
// are ven_a's, sku_b 999 / 1500 g ven_b's; ven_far ships to DE only, ven_usd quotes in USD, ven_free has no profile.
const POSTAL: Record<string, string> = { DE: "10115", FR: "75001", US: "62701", CA: "K1A 0B1", JP: "100-0001" };
const address = (country: string) => ({
  recipient: "A Shopper",
  line1: "1 Main St",
  city: "Somewhere",
  postalCode: POSTAL[country] ?? "12345",
  country,
});

let n = 0;
const newShopper = () => `usr_checkout_${++n}_${Date.now()}`;

async function call(
  userId: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const request = new Request(`http://orders${path}`, {
    method,
    headers: {
      [ACTOR_HEADER]: encodeActor({ sub: userId, roles: ["customer"] }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return new OrdersWorker(createExecutionContext(), env).fetch(request);
}

async function shopperWith(items: [string, number][]): Promise<string> {
  const userId = newShopper();
  for (const [sku, qty] of items) {
    const res = await call(userId, "POST", "/api/v1/cart/items", { sku, qty });
    expect(res.status).toBe(200);
  }
  return userId;
}

const checkout = (userId: string, country: string, key = `key-${userId}`) =>
  call(userId, "POST", "/api/v1/checkout", { shippingAddress: address(country) }, { "idempotency-key": key });

const reserveCalls = () => (env.CATALOG as unknown as { reserveCalls(): Promise<number> }).reserveCalls();

describe("cart shipping", () => {
  it("quotes each vendor's shipping to ?country and adds it to the total; without a country it is null", async () => {
    const userId = await shopperWith([
      ["sku_a", 2],
      ["sku_b", 1],
    ]);
    const plain: Cart = await (await call(userId, "GET", "/api/v1/cart")).json();
    expect(plain).toMatchObject({ country: null, subtotal: 3499, shipping: null, total: 3499, checkoutable: true });
    expect(plain.vendors).toEqual([
      { vendorId: "ven_a", subtotal: 2500, currency: "EUR", shipping: null },
      { vendorId: "ven_b", subtotal: 999, currency: "EUR", shipping: null },
    ]);
    const res = await call(userId, "GET", "/api/v1/cart?country=de");
    expect(res.status).toBe(200);
    const cart: Cart = await res.json();
    expect(cart).toMatchObject({ country: "DE", subtotal: 3499, shipping: 1080, total: 4579, checkoutable: true });
    expect(cart.vendors.map((v) => [v.vendorId, v.shipping])).toEqual([
      ["ven_a", 490],
      ["ven_b", 590],
    ]);
  });

  it("quotes on every cart route given a country", async () => {
    const userId = newShopper();
    const added: Cart = await (
      await call(userId, "POST", "/api/v1/cart/items?country=US", { sku: "sku_b", qty: 3 })
    ).json();
    expect(added).toMatchObject({ shipping: 3100, total: 2997 + 3100 });
    const set: Cart = await (await call(userId, "PATCH", "/api/v1/cart/items/sku_b?country=FR", { qty: 1 })).json();
    expect(set).toMatchObject({ shipping: 590, total: 999 + 590 });
    const removed: Cart = await (await call(userId, "DELETE", "/api/v1/cart/items/sku_b?country=FR")).json();
    expect(removed).toMatchObject({ shipping: 0, total: 0, checkoutable: false });
  });

  it("is not checkoutable when a vendor cannot ship there, and says which", async () => {
    const userId = await shopperWith([
      ["sku_a", 1],
      ["sku_far", 1],
    ]);
    const cart: Cart = await (await call(userId, "GET", "/api/v1/cart?country=FR")).json();
    expect(cart).toMatchObject({ checkoutable: false, shipping: null, total: 1750 });
    expect(cart.problems).toEqual(["Cannot ship everything: ven_far does not ship to FR."]);
    expect((await call(userId, "GET", "/api/v1/cart?country=DE")).status).toBe(200);
    const bad = await call(userId, "GET", "/api/v1/cart?country=XX");
    expect(bad.status).toBe(400);
  });
});

describe("checkout with shipping", () => {
  it.each([
    {
      country: "DE",
      items: [
        ["sku_a", 2],
        ["sku_b", 1],
      ],
      shipping: { ven_a: 490, ven_b: 590 },
    },
    {
      country: "US",
      items: [
        ["sku_a", 2],
        ["sku_b", 1],
      ],
      shipping: { ven_a: 1500, ven_b: 1900 },
    },
    { country: "FR", items: [["sku_b", 3]], shipping: { ven_b: 890 } },
    { country: "CA", items: [["sku_big", 2]], shipping: { ven_a: 3100 } },
    // Free from 10000 of goods in the eu zone: 9750 pays, 11000 does not.
    {
      country: "DE",
      items: [
        ["sku_big", 1],
        ["sku_a", 3],
      ],
      shipping: { ven_a: 790 },
    },
    {
      country: "DE",
      items: [
        ["sku_big", 1],
        ["sku_a", 4],
      ],
      shipping: { ven_a: 0 },
    },
    // A store without a shipping profile ships free everywhere.
    { country: "JP", items: [["sku_free", 2]], shipping: { ven_free: 0 } },
  ] as { country: string; items: [string, number][]; shipping: Record<string, number> }[])(
    "charges $shipping to $country for $items",
    async ({ country, items, shipping }) => {
      const userId = await shopperWith(items);
      const res = await checkout(userId, country);
      expect(res.status).toBe(201);
      const { order, payment } = await res.json<{ order: OrderView; payment: { amount: number } }>();
      const goods = order.lines.reduce((sum, line) => sum + line.lineTotal, 0);
      const shippingTotal = Object.values(shipping).reduce((sum, amount) => sum + amount, 0);
      expect(order).toMatchObject({
        status: "awaiting_payment",
        shipping: shippingTotal,
        total: goods + shippingTotal,
      });
      expect(payment.amount).toBe(order.total);

      // Once paid, each vendor's sub-order carries its own shipping.
      const stub = env.ORDER.get(env.ORDER.idFromName(order.id)) as DurableObjectStub<Order>;
      const paid = await stub.markPaid(`pi_${order.id}`, order.total, "EUR");
      if (!paid.ok) throw new Error(paid.reason);
      expect(Object.fromEntries(paid.order.subOrders.map((s) => [s.vendorId, s.shipping]))).toEqual(shipping);
      for (const sub of paid.order.subOrders) {
        expect(sub.total).toBe(sub.lines.reduce((sum, line) => sum + line.lineTotal, 0) + sub.shipping);
      }
    },
  );

  it("refuses an address a vendor cannot ship to, naming it, with nothing held and the cart untouched", async () => {
    const userId = await shopperWith([
      ["sku_a", 1],
      ["sku_far", 1],
      ["sku_usd", 1],
    ]);
    const before = await reserveCalls();
    const res = await checkout(userId, "FR");
    expect(res.status).toBe(409);
    const problem = await res.json<{ type: string; detail: string; refusals: unknown }>();
    expect(problem.type).toMatch(/\/cannot-ship$/);
    expect(problem.detail).toBe(
      "Cannot ship this cart: ven_far does not ship to FR; ven_usd has no shipping rate in the order's currency for FR. Nothing was held.",
    );
    expect(problem.refusals).toEqual([
      { vendorId: "ven_far", reason: "no_zone" },
      { vendorId: "ven_usd", reason: "currency_mismatch" },
    ]);
    expect(await reserveCalls()).toBe(before);
    const cart: Cart = await (await call(userId, "GET", "/api/v1/cart")).json();
    expect(cart.lines.map((line) => line.sku)).toEqual(["sku_a", "sku_far", "sku_usd"]);
    // The same request again is refused the same way; the key was not spent, so the cart (fixed) checks out with it.
    expect((await checkout(userId, "FR")).status).toBe(409);
    await call(userId, "DELETE", "/api/v1/cart/items/sku_usd");
    const fixed = await checkout(userId, "DE");
    expect(fixed.status).toBe(201);
    expect(await reserveCalls()).toBe(before + 2);
  });

  it("checks the minimum charge on goods and shipping together", async () => {
    // 0.10 of goods is below EUR's 0.50 minimum; shipped to DE it is 5.00, which can be charged.
    const userId = await shopperWith([["sku_tiny", 1]]);
    const cart: Cart = await (await call(userId, "GET", "/api/v1/cart")).json();
    expect(cart.checkoutable).toBe(false);
    expect(await (await call(userId, "GET", "/api/v1/cart?country=DE")).json()).toMatchObject({
      checkoutable: true,
      total: 500,
    });
    const res = await checkout(userId, "DE");
    expect(res.status).toBe(201);
    expect((await res.json<{ order: OrderView }>()).order.total).toBe(500);
    // Free shipping leaves it below the minimum.
    const free = await shopperWith([["sku_tiny_free", 1]]);
    const refused = await checkout(free, "DE");
    expect(refused.status).toBe(409);
    expect((await refused.json<{ type: string }>()).type).toMatch(/\/below-minimum-charge$/);
  });
});
