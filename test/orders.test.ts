import { beforeAll, describe, expect, it } from "vitest";
import {
  adminSession,
  api,
  createCategory,
  createProduct,
  DELIVERY,
  eventually,
  freshIp,
  publishPaymentEvent,
  type Session,
  signUp,
  syntheticShopper,
  vendorSession,
} from "./helpers.ts";
import { objects } from "./stripe.ts";

interface OrderView {
  id: string;
  status: string;
  currency: string;
  total: number;
  refund: { amount: number; status: string } | null;
  subOrders: {
    id: string;
    vendorId: string;
    status: string;
    total: number;
    lines: { sku: string; qty: number; lineTotal: number }[];
  }[];
}

let admin: Session;
let vendorA: Session & { vendorId: string };
let vendorB: Session & { vendorId: string };
let categoryId: string;

beforeAll(async () => {
  admin = await adminSession();
  [vendorA, vendorB] = await Promise.all([vendorSession(admin, "Orders A"), vendorSession(admin, "Orders B")]);
  categoryId = await createCategory(admin, `orders-${crypto.randomUUID().slice(0, 8)}`);
});

const productOfSku = new Map<string, string>();

async function product(vendor: Session, price: number, stock: number, currency = "EUR") {
  const created = await createProduct(
    vendor,
    { categoryId, currency, variants: [{ price }] },
    { stock, publish: true },
  );
  const sku = created.variants[0]!.sku;
  productOfSku.set(sku, created.id);
  // On sale once catalog has heard of the vendor's approval.
  await eventually(
    () => api("GET", `/api/v1/products/${created.id}`, { token: admin.accessToken }),
    (res) => res.status === 200,
  );
  return sku;
}

/** Live availability of a SKU, from its product page (signed in, so never from the edge cache). */
async function available(token: string, sku: string) {
  const res = await api("GET", `/api/v1/products/${productOfSku.get(sku)}`, { token });
  return (await res.json<{ variants: { sku: string; available: number }[] }>()).variants.find((v) => v.sku === sku)
    ?.available;
}

async function addToCart(token: string, sku: string, qty: number) {
  const res = await api("POST", "/api/v1/cart/items", { token, body: { sku, qty } });
  expect(res.status).toBe(200);
  return res;
}

function checkout(
  token: string,
  key = crypto.randomUUID(),
  body: object = { shippingAddress: DELIVERY, paymentMethod: "pm_card_visa" },
  ip?: string,
) {
  return api("POST", "/api/v1/checkout", { token, body, ip, headers: { "idempotency-key": key } });
}

async function placed(token: string) {
  const res = await checkout(token);
  expect(res.status).toBe(201);
  return (await res.json<{ order: OrderView }>()).order;
}

async function orderOf(token: string, id: string) {
  return (await api("GET", `/api/v1/orders/${id}`, { token })).json<OrderView>();
}

describe("cart", () => {
  it("prices lines per vendor and overall, and flags what cannot be bought", async () => {
    const shopper = await signUp();
    const a = await product(vendorA, 1999, 10);
    const b = await product(vendorB, 2550, 1);
    await addToCart(shopper.accessToken, a, 3);
    await addToCart(shopper.accessToken, b, 2);
    const cart = await (await api("GET", "/api/v1/cart", { token: shopper.accessToken })).json<{
      total: number;
      vendors: { vendorId: string; subtotal: number }[];
      lines: { sku: string; status: string }[];
      checkoutable: boolean;
    }>();
    // Without ?country= no shipping is quoted: null per vendor and overall.
    expect(cart.vendors).toEqual([{ vendorId: vendorA.vendorId, subtotal: 5997, currency: "EUR", shipping: null }]);
    expect(cart.lines.find((l) => l.sku === b)?.status).toBe("insufficient_stock");
    expect(cart.checkoutable).toBe(false);
    expect(cart.total).toBe(5997);
  });

  it("refuses mixing currencies at checkout with a clear problem", async () => {
    const shopper = await signUp();
    await addToCart(shopper.accessToken, await product(vendorA, 1000, 5, "EUR"), 1);
    await addToCart(shopper.accessToken, await product(vendorB, 1000, 5, "USD"), 1);
    const res = await checkout(shopper.accessToken);
    expect(res.status).toBe(409);
    expect((await res.json<{ detail: string }>()).detail).toMatch(/one currency/);
  });

  it("keeps a guest's cart under its id and merges it into the account at sign-in", async () => {
    const sku = await product(vendorA, 500, 10);
    const added = await api("POST", "/api/v1/cart/items", { body: { sku, qty: 2 } });
    const guestCartId = added.headers.get("x-cart-id");
    expect(guestCartId).toMatch(/^gct_/);
    const again = await api("POST", "/api/v1/cart/items", {
      body: { sku, qty: 1 },
      headers: { "x-cart-id": guestCartId! },
    });
    expect((await again.json<{ lines: { qty: number }[] }>()).lines[0]?.qty).toBe(3);
    const shopper = await signUp();
    const merged = await api("POST", "/api/v1/cart/merge", {
      token: shopper.accessToken,
      body: { cartId: guestCartId },
    });
    expect((await merged.json<{ lines: { sku: string; qty: number }[] }>()).lines).toEqual([
      expect.objectContaining({ sku, qty: 3 }),
    ]);
    const guestNow = await api("GET", "/api/v1/cart", { headers: { "x-cart-id": guestCartId! } });
    expect((await guestNow.json<{ lines: unknown[] }>()).lines).toEqual([]);
  });

  it("never lets a guest choose its own cart id: an id the server did not issue names no cart", async () => {
    const sku = await product(vendorA, 500, 10);
    const chosen = `gct_${"0".repeat(32)}`;
    const added = await api("POST", "/api/v1/cart/items", { body: { sku, qty: 1 }, headers: { "x-cart-id": chosen } });
    expect(added.status).toBe(200);
    const issued = added.headers.get("x-cart-id");
    expect(issued).toMatch(/^gct_[0-9a-f]{32}$/);
    expect(issued).not.toBe(chosen);
    const other = await api("GET", "/api/v1/cart", { headers: { "x-cart-id": chosen } });
    expect((await other.json<{ lines: unknown[]; cartId: string | null }>()).lines).toEqual([]);
    const own = await api("GET", "/api/v1/cart", { headers: { "x-cart-id": issued! } });
    expect((await own.json<{ lines: { sku: string }[] }>()).lines.map((l) => l.sku)).toEqual([sku]);
    const malformed = await api("GET", "/api/v1/cart", { headers: { "x-cart-id": "mine" } });
    expect(malformed.status).toBe(400);
  });
});

describe("checkout and payment", () => {
  it("splits a two-vendor cart into one order with a sub-order per vendor, totals to the cent", async () => {
    const shopper = await signUp();
    const a1 = await product(vendorA, 1999, 10);
    const a2 = await product(vendorA, 349, 10);
    const b1 = await product(vendorB, 2550, 10);
    await addToCart(shopper.accessToken, a1, 3);
    await addToCart(shopper.accessToken, a2, 1);
    await addToCart(shopper.accessToken, b1, 2);
    const order = await placed(shopper.accessToken);
    expect(order).toMatchObject({ status: "awaiting_payment", currency: "EUR", total: 3 * 1999 + 349 + 2 * 2550 });
    expect((await api("GET", "/api/v1/cart", { token: shopper.accessToken })).status).toBe(200);

    await publishPaymentEvent("payment.succeeded", {
      orderId: order.id,
      paymentId: "pi_two_vendors",
      amount: order.total,
      currency: "EUR",
    });
    const paid = await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "paid",
    );
    const byVendor = Object.fromEntries(paid.subOrders.map((s) => [s.vendorId, s]));
    expect(byVendor[vendorA.vendorId]).toMatchObject({ status: "pending", total: 3 * 1999 + 349 });
    expect(byVendor[vendorB.vendorId]).toMatchObject({ status: "pending", total: 2 * 2550 });
    expect(paid.subOrders.reduce((sum, s) => sum + s.total, 0)).toBe(paid.total);

    // The lists follow from events a moment later.
    const listed = await eventually(
      () => api("GET", "/api/v1/orders", { token: shopper.accessToken }).then((r) => r.json<{ items: OrderView[] }>()),
      (page) => page.items[0]?.status === "paid",
    );
    expect(listed.items.map((o) => o.id)).toEqual([order.id]);
  });

  it("answers the same Idempotency-Key with the same order, and refuses it for another body", async () => {
    const shopper = await signUp();
    await addToCart(shopper.accessToken, await product(vendorA, 1000, 10), 1);
    const key = crypto.randomUUID();
    const first = await checkout(shopper.accessToken, key);
    const second = await checkout(shopper.accessToken, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const [a, b] = [await first.json<{ order: OrderView }>(), await second.json<{ order: OrderView }>()];
    expect(b.order.id).toBe(a.order.id);
    const other = await checkout(shopper.accessToken, key, {
      shippingAddress: { ...DELIVERY, city: "Bath", postalCode: "BA1 1AA" },
    });
    expect(other.status).toBe(422);
    expect(
      (await api("GET", "/api/v1/orders", { token: shopper.accessToken }).then((r) => r.json<{ items: unknown[] }>()))
        .items.length,
    ).toBeLessThanOrEqual(1);
  });

  it("requires an Idempotency-Key", async () => {
    const shopper = await signUp();
    const res = await api("POST", "/api/v1/checkout", {
      token: shopper.accessToken,
      body: { shippingAddress: DELIVERY },
    });
    expect(res.status).toBe(400);
  });

  it("returns all stock when the payment is declined", async () => {
    const shopper = await signUp();
    const sku = await product(vendorA, 1500, 4);
    await addToCart(shopper.accessToken, sku, 4);
    const order = await placed(shopper.accessToken);
    expect(await available(shopper.accessToken, sku)).toBe(0);
    await publishPaymentEvent("payment.failed", {
      orderId: order.id,
      paymentId: "pi_declined",
      reason: "card_declined",
    });
    await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "cancelled",
    );
    expect(await available(shopper.accessToken, sku)).toBe(4);
  });

  it("releases the stock of an order whose payment window lapses; a late payment is then refunded", async () => {
    const shopper = await signUp();
    const sku = await product(vendorB, 800, 2);
    await addToCart(shopper.accessToken, sku, 2);
    const order = await placed(shopper.accessToken);
    // The system tests' payment window is 40 s.
    const lapsed = await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "cancelled",
      600,
    );
    expect(lapsed.refund).toBeNull();
    expect(await available(shopper.accessToken, sku)).toBe(2);
    const other = await signUp();
    await addToCart(other.accessToken, sku, 2);
    expect((await checkout(other.accessToken)).status).toBe(201);

    await publishPaymentEvent("payment.succeeded", {
      orderId: order.id,
      paymentId: "pi_late",
      amount: order.total,
      currency: "EUR",
    });
    const refunded = await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.refund !== null,
    );
    expect(refunded).toMatchObject({ status: "cancelled", refund: { amount: order.total, status: "requested" } });
  }, 90_000);

  it("changes nothing when the same payment.succeeded arrives twice", async () => {
    const shopper = await signUp();
    const sku = await product(vendorA, 1200, 5);
    await addToCart(shopper.accessToken, sku, 2);
    const order = await placed(shopper.accessToken);
    const event = { orderId: order.id, paymentId: "pi_twice", amount: order.total, currency: "EUR" };
    await publishPaymentEvent("payment.succeeded", event);
    await publishPaymentEvent("payment.succeeded", event);
    const paid = await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "paid",
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await orderOf(shopper.accessToken, order.id);
    expect(after.subOrders.map((s) => s.id)).toEqual(paid.subOrders.map((s) => s.id));
    expect(after.status).toBe("paid");
    expect(await available(shopper.accessToken, sku)).toBe(3);
  });
});

describe("after the sale", () => {
  it("lets a shopper cancel a paid order before it ships: stock returns and a refund is requested", async () => {
    const shopper = await signUp();
    const sku = await product(vendorA, 2000, 3);
    await addToCart(shopper.accessToken, sku, 3);
    const order = await placed(shopper.accessToken);
    await publishPaymentEvent("payment.succeeded", {
      orderId: order.id,
      paymentId: "pi_cancel",
      amount: order.total,
      currency: "EUR",
    });
    await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "paid",
    );
    const cancelled = await api("POST", `/api/v1/orders/${order.id}/cancel`, { token: shopper.accessToken });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({
      status: "cancelled",
      refund: { amount: 6000, status: "requested" },
    });
    expect(await available(shopper.accessToken, sku)).toBe(3);
  });

  it("lets each vendor see, accept and ship only its own sub-order", async () => {
    const shopper = await signUp();
    await addToCart(shopper.accessToken, await product(vendorA, 1000, 5), 1);
    await addToCart(shopper.accessToken, await product(vendorB, 1000, 5), 1);
    const order = await placed(shopper.accessToken);
    await publishPaymentEvent("payment.succeeded", {
      orderId: order.id,
      paymentId: "pi_ship",
      amount: order.total,
      currency: "EUR",
    });
    const paid = await eventually(
      () => orderOf(shopper.accessToken, order.id),
      (o) => o.status === "paid",
    );
    const subA = paid.subOrders.find((s) => s.vendorId === vendorA.vendorId)!;
    const subB = paid.subOrders.find((s) => s.vendorId === vendorB.vendorId)!;
    const listA = await eventually(
      () =>
        api("GET", "/api/v1/vendor/orders?limit=100", { token: vendorA.accessToken }).then((r) =>
          r.json<{ items: { id: string }[] }>(),
        ),
      (page) => page.items.some((s) => s.id === subA.id),
    );
    expect(listA.items.map((s) => s.id)).not.toContain(subB.id);
    expect((await api("POST", `/api/v1/vendor/orders/${subB.id}/accept`, { token: vendorA.accessToken })).status).toBe(
      404,
    );
    const ship = { carrier: "DHL", trackingNumber: "JD014600003SE" };
    expect(
      (await api("POST", `/api/v1/vendor/orders/${subA.id}/ship`, { token: vendorA.accessToken, body: ship })).status,
    ).toBe(409);
    expect((await api("POST", `/api/v1/vendor/orders/${subA.id}/accept`, { token: vendorA.accessToken })).status).toBe(
      200,
    );
    const shipped = await api("POST", `/api/v1/vendor/orders/${subA.id}/ship`, {
      token: vendorA.accessToken,
      body: ship,
    });
    expect(await shipped.json()).toMatchObject({ status: "shipped", carrier: "DHL", trackingNumber: "JD014600003SE" });
    expect((await api("POST", `/api/v1/orders/${order.id}/cancel`, { token: shopper.accessToken })).status).toBe(409);
    await eventually(
      () =>
        api("GET", "/api/v1/vendor/orders?limit=100", { token: vendorB.accessToken }).then((r) =>
          r.json<{ items: { id: string }[] }>(),
        ),
      (p) => p.items.some((s) => s.id === subB.id),
    );
    await api("POST", `/api/v1/vendor/orders/${subB.id}/accept`, { token: vendorB.accessToken });
    await api("POST", `/api/v1/vendor/orders/${subB.id}/ship`, { token: vendorB.accessToken, body: ship });
    expect((await orderOf(shopper.accessToken, order.id)).status).toBe("fulfilled");
  });

  it("hides one shopper's order from another", async () => {
    const shopper = await signUp();
    await addToCart(shopper.accessToken, await product(vendorA, 1000, 5), 1);
    const order = await placed(shopper.accessToken);
    const stranger = await signUp();
    expect((await api("GET", `/api/v1/orders/${order.id}`, { token: stranger.accessToken })).status).toBe(404);
    expect((await api("POST", `/api/v1/orders/${order.id}/cancel`, { token: stranger.accessToken })).status).toBe(404);
  });
});

describe("one cart, one order", () => {
  it("places one order when eight checkouts of the same cart race with different keys, holding its stock once", async () => {
    const shopper = await signUp();
    const sku = await product(vendorA, 1500, 10);
    await addToCart(shopper.accessToken, sku, 2);
    const answers = await Promise.all(Array.from({ length: 8 }, () => checkout(shopper.accessToken)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    expect(await available(admin.accessToken, sku)).toBe(8);
    const listed = () =>
      api("GET", "/api/v1/orders", { token: shopper.accessToken }).then((r) => r.json<{ items: unknown[] }>());
    await eventually(listed, (page) => page.items.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await listed()).items).toHaveLength(1);
    const cart = await api("GET", "/api/v1/cart", { token: shopper.accessToken });
    expect((await cart.json<{ lines: unknown[] }>()).lines).toEqual([]);
  });

  it("refuses a total below the smallest amount Stripe can charge, with its own problem type, holding nothing", async () => {
    const shopper = await signUp();
    const sku = await product(vendorA, 5, 10);
    await addToCart(shopper.accessToken, sku, 2);
    const cart = await api("GET", "/api/v1/cart", { token: shopper.accessToken });
    expect(await cart.json()).toMatchObject({
      checkoutable: false,
      problems: [expect.stringMatching(/below the smallest amount/)],
    });
    const refused = await checkout(shopper.accessToken);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ type: "/problems/below-minimum-charge" });
    expect(await available(admin.accessToken, sku)).toBe(10);
  });

  it("cancels the PaymentIntent of an order cancelled before payment, so it can no longer be paid", async () => {
    const shopper = await signUp();
    await addToCart(shopper.accessToken, await product(vendorA, 1800, 5), 1);
    const res = await checkout(shopper.accessToken, undefined, { shippingAddress: DELIVERY });
    expect(res.status).toBe(201);
    const { order, payment } = await res.json<{ order: OrderView; payment: { id: string; status: string } }>();
    expect(payment.status).toBe("requires_payment_method");
    expect((await api("POST", `/api/v1/orders/${order.id}/cancel`, { token: shopper.accessToken })).status).toBe(200);
    const intent = await eventually(
      () =>
        objects<{ id: string; status: string }>("payment_intents").then((all) =>
          all.find((pi) => pi.id === payment.id),
        ),
      (pi) => pi?.status === "canceled",
    );
    expect(intent?.status).toBe("canceled");
  });
});

describe("flash sale", () => {
  it("sells exactly 50 units to 200 shoppers checking out at once, and leaves nothing held", async () => {
    const sku = await product(vendorA, 999, 50);
    const shoppers = await Promise.all(Array.from({ length: 200 }, (_, i) => syntheticShopper(i)));
    for (let i = 0; i < shoppers.length; i += 50) {
      await Promise.all(shoppers.slice(i, i + 50).map((token) => addToCart(token, sku, 1)));
    }
    // Each shopper from an address of their own, as in a real crowd.
    const results = await Promise.all(shoppers.map((token) => checkout(token, undefined, undefined, freshIp())));
    const statuses = results.map((r) => r.status);
    const tally = statuses.reduce<Record<number, number>>((acc, s) => {
      acc[s] = (acc[s] ?? 0) + 1;
      return acc;
    }, {});
    expect(tally).toEqual({ 201: 50, 409: 150 });
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(150);
    const orders = await Promise.all(
      results.filter((r) => r.status === 201).map((r) => r.json<{ order: OrderView }>()),
    );
    await Promise.all(
      orders.map(({ order }) =>
        publishPaymentEvent("payment.succeeded", {
          orderId: order.id,
          paymentId: `pi_${order.id}`,
          amount: order.total,
          currency: "EUR",
        }),
      ),
    );
    const winners = shoppers.filter((_, i) => statuses[i] === 201);
    // Poll only the orders not yet seen paid, gently: the machine is busy settling them.
    const pending = new Map(orders.map(({ order }, i) => [order.id, winners[i]!]));
    for (let round = 0; round < 120 && pending.size > 0; round++) {
      for (const [id, token] of pending) if ((await orderOf(token, id)).status === "paid") pending.delete(id);
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect([...pending.keys()]).toEqual([]);
    const level = await api("PUT", `/api/v1/vendor/inventory/${sku}`, {
      token: vendorA.accessToken,
      body: { onHand: 0 },
    });
    expect(await level.json()).toEqual({ sku, onHand: 0, held: 0, available: 0 });
  }, 90_000);
});
