import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { carrierPost } from "./carrier.ts";
import { api, createProduct, DELIVERY, eventually, expectProblem, type Session, signUp } from "./helpers.ts";
import { orderOf, payoutsOf, succeededEvent, twoVendorMarket, type Vendor } from "./shop.ts";
import { deliver } from "./stripe.ts";

interface Mail {
  subject: string;
  text: string;
}
interface CartView {
  vendors: { vendorId: string; subtotal: number; shipping: number | null }[];
  shipping: number | null;
  total: number;
  checkoutable: boolean;
}
interface PlacedOrder {
  id: string;
  shipping: number;
  total: number;
  status: string;
  subOrders: { id: string; vendorId: string; shipping: number; total: number; status: string }[];
}

const mailTo = async (email: string) =>
  (await (await fetch(`${env.MAILBOX_URL}/api/messages?to=${encodeURIComponent(email)}`)).json<{ items: Mail[] }>())
    .items;

/** Vendor A ships to the UK: 4.90 plus 1.00 per started kilogram, free from 500.00 of goods. Vendor B has no profile. */
const UK_PROFILE = {
  name: "UK parcels",
  currency: "EUR",
  zones: [{ name: "UK", countries: ["GB"], flatRate: 490, perKgRate: 100, freeShippingThreshold: 50_000 }],
};

let vendorA: Vendor;
let vendorB: Vendor;
let categoryId: string;

beforeAll(async () => {
  ({ vendorA, vendorB, categoryId } = await twoVendorMarket("Aftersale"));
  const res = await api("POST", "/api/v1/vendor/shipping-profiles", { token: vendorA.accessToken, body: UK_PROFILE });
  expect(res.status).toBe(201);
});

async function addToCart(shopper: Session, vendor: Session, price: number, qty: number, weightGrams: number) {
  const product = await createProduct(
    vendor,
    { categoryId, title: `Parcel ${price}`, variants: [{ price, weightGrams }] },
    { stock: 10, publish: true },
  );
  const sku = product.variants[0]!.sku;
  await eventually(
    () => api("POST", "/api/v1/cart/items", { token: shopper.accessToken, body: { sku, qty } }),
    (r) => r.status === 200,
  );
  return { productId: product.id, sku };
}

describe("after the sale", () => {
  it("charges each store's shipping, mails the receipt, follows both parcels to a completed order and a reviewed product", async () => {
    const shopper = await signUp("Journey");
    // 2 × 20.00 at 1.5 kg each (3 kg: 4.90 + 3 × 1.00) from A; 15.00 from B, which ships free.
    const bought = await addToCart(shopper, vendorA, 2000, 2, 1500);
    await addToCart(shopper, vendorB, 1500, 1, 800);

    const cart = await api("GET", "/api/v1/cart?country=GB", { token: shopper.accessToken }).then((r) =>
      r.json<CartView>(),
    );
    expect(cart.vendors.find((v) => v.vendorId === vendorA.vendorId)).toMatchObject({ subtotal: 4000, shipping: 790 });
    expect(cart.vendors.find((v) => v.vendorId === vendorB.vendorId)).toMatchObject({ subtotal: 1500, shipping: 0 });
    expect(cart).toMatchObject({ shipping: 790, total: 6290, checkoutable: true });

    const checkout = await api("POST", "/api/v1/checkout", {
      token: shopper.accessToken,
      body: { shippingAddress: DELIVERY, paymentMethod: "pm_card_visa" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(checkout.status).toBe(201);
    const placed = await checkout.json<{ order: PlacedOrder; payment: { amount: number } }>();
    expect(placed.order).toMatchObject({ shipping: 790, total: 6290 });
    expect(placed.payment.amount).toBe(6290);
    expect((await deliver(await succeededEvent(placed.order.id))).status).toBe(200);
    const paid = await eventually(
      () =>
        api("GET", `/api/v1/orders/${placed.order.id}`, { token: shopper.accessToken }).then((r) =>
          r.json<PlacedOrder>(),
        ),
      (o) => o.status === "paid",
    );
    const subA = paid.subOrders.find((s) => s.vendorId === vendorA.vendorId)!;
    const subB = paid.subOrders.find((s) => s.vendorId === vendorB.vendorId)!;
    expect(subA).toMatchObject({ shipping: 790, total: 4790 });
    expect(subB).toMatchObject({ shipping: 0, total: 1500 });

    // The receipt, with its lines and totals, in the local mailbox.
    const receipt = await eventually(
      () => mailTo(shopper.email),
      (mails) => mails.some((m) => m.text.includes("€62.90")),
    );
    const text = receipt.find((m) => m.text.includes("€62.90"))!.text;
    expect(text).toContain("Parcel 2000");
    expect(text).toContain("€7.90");

    // Commission (10 %) on the goods only: A receives 4790 − 400.
    await eventually(
      () => payoutsOf(vendorA),
      (p) => p.items.some((e) => e.subOrderId === subA.id && e.kind === "transfer" && e.amount === -4390),
    );

    // Both stores ship; the carrier reports each parcel in transit, then delivered.
    for (const [vendor, sub] of [
      [vendorA, subA],
      [vendorB, subB],
    ] as const) {
      expect((await api("POST", `/api/v1/vendor/orders/${sub.id}/accept`, { token: vendor.accessToken })).status).toBe(
        200,
      );
      const trackingNumber = `JD${crypto.randomUUID().slice(0, 10)}`;
      const shipped = await api("POST", `/api/v1/vendor/orders/${sub.id}/ship`, {
        token: vendor.accessToken,
        body: { carrier: "DHL", trackingNumber },
      });
      expect(shipped.status).toBe(200);
      await eventually(
        () =>
          api("GET", `/api/v1/orders/${paid.id}/tracking`, { token: shopper.accessToken }).then((r) =>
            r.json<{ shipments: { subOrderId: string; status: string }[] }>(),
          ),
        (t) => t.shipments.some((s) => s.subOrderId === sub.id && s.status === "shipped"),
      );
      for (const status of ["in_transit", "delivered"]) {
        const res = await carrierPost({
          id: `${trackingNumber}-${status}`,
          trackingNumber,
          status,
          occurredAt: new Date().toISOString(),
        });
        expect(res.status).toBe(200);
      }
    }
    const completed = await eventually(
      () => orderOf(shopper, paid.id),
      (o) => o.status === "completed",
    );
    expect(completed.subOrders.map((s) => s.status)).toEqual(["delivered", "delivered"]);

    // A delivered purchase opens the review; the store answers; the shopper's inbox has the answer.
    const review = await eventually(
      () =>
        api("POST", `/api/v1/products/${bought.productId}/reviews`, {
          token: shopper.accessToken,
          body: { rating: 5, title: "Sturdy", body: "Arrived well packed." },
        }),
      (r) => r.status === 201,
    ).then((r) => r.json<{ id: string }>());
    const reply = await eventually(
      () =>
        api("POST", `/api/v1/vendor/reviews/${review.id}/reply`, {
          token: vendorA.accessToken,
          body: { body: "Thank you for your order!" },
        }),
      (r) => r.status !== 404,
    );
    expect([200, 201]).toContain(reply.status);
    const inbox = await eventually(
      () =>
        api("GET", "/api/v1/me/notifications", { token: shopper.accessToken }).then((r) =>
          r.json<{ items: { kind: string; body: string }[] }>(),
        ),
      (page) => page.items.some((n) => n.kind === "review_reply"),
    );
    expect(inbox.items.find((n) => n.kind === "review_reply")?.body).toBe("Thank you for your order!");
    const product = await eventually(
      () =>
        api("GET", `/api/v1/products/${bought.productId}`, { token: shopper.accessToken }).then((r) =>
          r.json<{ rating: number; ratingCount: number }>(),
        ),
      (p) => p.ratingCount === 1,
    );
    expect(product.rating).toBe(5);
  });

  it("refuses a checkout to a country a store does not ship to, holding nothing", async () => {
    const shopper = await signUp("Abroad");
    const { productId, sku } = await addToCart(shopper, vendorA, 2500, 3, 100);
    const availability = async () =>
      (
        await api("GET", `/api/v1/products/${productId}`, { token: shopper.accessToken }).then((r) =>
          r.json<{ variants: { sku: string; available: number }[] }>(),
        )
      ).variants.find((v) => v.sku === sku)?.available;
    expect(await availability()).toBe(10);
    const cart = await api("GET", "/api/v1/cart?country=FR", { token: shopper.accessToken }).then((r) =>
      r.json<CartView>(),
    );
    expect(cart).toMatchObject({ checkoutable: false, shipping: null });

    const res = await api("POST", "/api/v1/checkout", {
      token: shopper.accessToken,
      body: { shippingAddress: { ...DELIVERY, country: "FR", postalCode: "75001", city: "Paris" } },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect((await expectProblem(res, 409)).type).toBe("/problems/cannot-ship");
    expect(await availability()).toBe(10);
    const after = await api("GET", "/api/v1/cart", { token: shopper.accessToken }).then((r) =>
      r.json<{ lines: { sku: string; qty: number }[] }>(),
    );
    expect(after.lines).toEqual([expect.objectContaining({ sku, qty: 3 })]);
  });
});
