import { expect } from "vitest";
import {
  adminSession,
  api,
  createCategory,
  createProduct,
  DELIVERY,
  eventually,
  type Session,
  vendorSession,
} from "./helpers.ts";
import { deliver, eventsFor, type FakeEvent, fake } from "./stripe.ts";

export interface OrderView {
  id: string;
  status: string;
  total: number;
  refund: { amount: number; status: string; reason: string } | null;
  subOrders: { id: string; vendorId: string; total: number; refunded: number; status: string }[];
  history: { status: string; note: string | null }[];
}
export interface Checkout {
  order: OrderView;
  payment: { id: string; status: string; clientSecret: string | null; declineCode: string | null } | null;
}
export interface Payouts {
  account: { payoutsEnabled: boolean } | null;
  balances: { currency: string; owed: number }[];
  items: { kind: string; amount: number; subOrderId: string; reference: string | null }[];
}

export type Vendor = Session & { vendorId: string };

/** An admin, two approved vendors whose Stripe accounts can receive payouts, and a category of their own. */
export async function twoVendorMarket(
  name: string,
): Promise<{ admin: Session; vendorA: Vendor; vendorB: Vendor; categoryId: string }> {
  const admin = await adminSession();
  const [vendorA, vendorB] = await Promise.all([vendorSession(admin, `${name} A`), vendorSession(admin, `${name} B`)]);
  const categoryId = await createCategory(admin, `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 8)}`);
  await connect(vendorA);
  await connect(vendorB);
  return { admin, vendorA, vendorB, categoryId };
}

/** A vendor whose Stripe account finished onboarding: Stripe's account.updated reached the webhook. */
export async function connect(vendor: Session) {
  const res = await api("POST", "/api/v1/vendor/payouts/onboarding", { token: vendor.accessToken, body: {} });
  expect(res.status).toBe(200);
  const { accountId, url } = await res.json<{ accountId: string; url: string }>();
  await fetch(url, { redirect: "manual" });
  const [updated] = (await fake<{ events: FakeEvent[] }>("GET", "/events?type=account.updated")).events.filter((e) =>
    e.payload.includes(accountId),
  );
  expect((await deliver(updated!)).status).toBe(200);
}

/** A checkout of fresh products (stock 10 each) from the given vendors. */
export async function buy(
  shopper: Session,
  categoryId: string,
  items: { vendor: Session; price: number; qty: number }[],
  paymentMethod = "pm_card_visa",
): Promise<Checkout> {
  for (const { vendor, price, qty } of items) {
    const product = await createProduct(vendor, { categoryId, variants: [{ price }] }, { stock: 10, publish: true });
    const sku = product.variants[0]!.sku;
    await eventually(
      () => api("POST", "/api/v1/cart/items", { token: shopper.accessToken, body: { sku, qty } }),
      (r) => r.status === 200,
    );
  }
  const res = await api("POST", "/api/v1/checkout", {
    token: shopper.accessToken,
    body: { shippingAddress: DELIVERY, paymentMethod },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  expect(res.status).toBe(201);
  return res.json<Checkout>();
}

export const orderOf = (shopper: Session, id: string) =>
  api("GET", `/api/v1/orders/${id}`, { token: shopper.accessToken }).then((r) => r.json<OrderView>());
export const payoutsOf = (vendor: Session) =>
  api("GET", "/api/v1/vendor/payouts?limit=100", { token: vendor.accessToken }).then((r) => r.json<Payouts>());

export async function succeededEvent(orderId: string) {
  const [event] = await eventually(
    () => eventsFor(orderId, "payment_intent.succeeded"),
    (events) => events.length > 0,
  );
  return event!;
}

/**
 * A bought order after Stripe's payment_intent.succeeded reached the webhook, the
 * order became paid and each vendor's share reached its payouts ledger.
 */
export async function paidOrder(
  shopper: Session,
  categoryId: string,
  items: { vendor: Session & { vendorId: string }; price: number; qty: number }[],
): Promise<Checkout> {
  const bought = await buy(shopper, categoryId, items);
  expect((await deliver(await succeededEvent(bought.order.id))).status).toBe(200);
  const order = await eventually(
    () => orderOf(shopper, bought.order.id),
    (o) => o.status === "paid",
  );
  for (const sub of order.subOrders) {
    const vendor = items.find((item) => item.vendor.vendorId === sub.vendorId)?.vendor;
    if (vendor)
      await eventually(
        () => payoutsOf(vendor),
        (p) => p.items.some((e) => e.subOrderId === sub.id && e.kind === "sale"),
      );
  }
  return { ...bought, order };
}
