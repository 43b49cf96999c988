import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Session, signUp, vendorSession } from "./helpers.ts";
import { buy as buyIn, connect, orderOf, payoutsOf, succeededEvent, twoVendorMarket, type Vendor } from "./shop.ts";
import { deliver, eventsFor, type FakeEvent, fake, objects, signedAt } from "./stripe.ts";

let admin: Session;
let vendorA: Vendor;
let vendorB: Vendor;
let categoryId: string;

beforeAll(async () => {
  ({ admin, vendorA, vendorB, categoryId } = await twoVendorMarket("Pay"));
  // Vendor A's commission is 10 % (the default); B's is 15 %.
  await api("POST", `/api/v1/admin/vendors/${vendorB.vendorId}/suspend`, { token: admin.accessToken, body: {} });
  await api("POST", `/api/v1/admin/vendors/${vendorB.vendorId}/approve`, {
    token: admin.accessToken,
    body: { commissionBps: 1500 },
  });
});

const buy = (shopper: Session, items: Parameters<typeof buyIn>[2], paymentMethod?: string) =>
  buyIn(shopper, categoryId, items, paymentMethod);

describe("paying for an order", () => {
  it("confirms pm_card_visa server-side; the signed webhook makes the order paid", async () => {
    const shopper = await signUp();
    const { order, payment } = await buy(shopper, [{ vendor: vendorA, price: 2500, qty: 2 }]);
    expect(payment).toMatchObject({ status: "succeeded", declineCode: null });
    expect(order.status).toBe("awaiting_payment");
    expect((await deliver(await succeededEvent(order.id))).status).toBe(200);
    await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.status === "paid",
    );
  });

  it("declines pm_card_chargeDeclined; the failure webhook cancels the order and returns its stock", async () => {
    const shopper = await signUp();
    const { order, payment } = await buy(shopper, [{ vendor: vendorA, price: 1000, qty: 1 }], "pm_card_chargeDeclined");
    expect(payment).toMatchObject({ status: "failed", declineCode: expect.any(String) });
    const [failed] = await eventually(
      () => eventsFor(order.id, "payment_intent.payment_failed"),
      (e) => e.length > 0,
    );
    expect((await deliver(failed!)).status).toBe(200);
    await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.status === "cancelled",
    );
  });

  it("returns a client secret for the browser when no payment method is given", async () => {
    const shopper = await signUp();
    const { payment } = await buy(shopper, [{ vendor: vendorA, price: 1000, qty: 1 }], "");
    expect(payment).toMatchObject({
      status: "requires_payment_method",
      clientSecret: expect.stringMatching(/_secret_/),
    });
  });
});

describe("webhook signatures", () => {
  it("refuses a tampered signature, a stale or future timestamp and a missing header, changing nothing", async () => {
    const shopper = await signUp();
    const { order } = await buy(shopper, [{ vendor: vendorA, price: 1200, qty: 1 }]);
    const event = await succeededEvent(order.id);
    expect(event.payload).toMatch(/"amount":\s*1200/);
    const now = Math.floor(Date.now() / 1000);
    const stale = await signedAt(event.id, now - 301);
    const future = await signedAt(event.id, now + 31);
    const tampered = event.signature.replace(/v1=([0-9a-f])/, (_, c: string) => `v1=${c === "0" ? "1" : "0"}`);
    for (const [name, res] of [
      ["tampered", await deliver(event, tampered)],
      ["stale", await deliver(stale)],
      ["future", await deliver(future)],
      ["missing", await deliver(event, "")],
      [
        "tampered body",
        await deliver({
          payload: event.payload.replace(/"amount":\s*1200/, '"amount": 1'),
          signature: event.signature,
        }),
      ],
      // A future timestamp first, a valid signature last: one parse must see both.
      ["two timestamps", await deliver(event, `t=${now + 3600},${event.signature}`)],
    ] as const) {
      expect(res.status, name).toBe(400);
      expect(res.headers.get("content-type"), name).toBe("application/problem+json");
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await orderOf(shopper, order.id)).status).toBe("awaiting_payment");
    const row = await env.PAYMENTS_DB.prepare("SELECT status FROM payments WHERE order_id = ?")
      .bind(order.id)
      .first<{ status: string }>();
    expect(row?.status).toBe("requires_payment_method");
  });

  it("applies the same event delivered three times once, with one set of transfers", async () => {
    const shopper = await signUp();
    const { order } = await buy(shopper, [{ vendor: vendorA, price: 3000, qty: 1 }]);
    const event = await succeededEvent(order.id);
    const answers = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.status === "paid",
    );
    const transfers = await eventually(
      () =>
        objects<{ transfer_group: string; amount: number }>("transfers").then((all) =>
          all.filter((t) => t.transfer_group === order.id),
        ),
      (found) => found.length > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      (await objects<{ transfer_group: string }>("transfers")).filter((t) => t.transfer_group === order.id),
    ).toHaveLength(1);
    expect(transfers[0]?.amount).toBe(3000 - 300);
  });

  it("handles payment_intent.succeeded arriving before the intent was recorded", async () => {
    const shopper = await signUp();
    const { order } = await buy(shopper, [{ vendor: vendorA, price: 1100, qty: 1 }]);
    // As if the webhook had overtaken the worker that created the intent.
    await env.PAYMENTS_DB.prepare("DELETE FROM payments WHERE order_id = ?").bind(order.id).run();
    expect((await deliver(await succeededEvent(order.id))).status).toBe(200);
    await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.status === "paid",
    );
    const row = await env.PAYMENTS_DB.prepare("SELECT status, amount FROM payments WHERE order_id = ?")
      .bind(order.id)
      .first();
    expect(row).toEqual({ status: "succeeded", amount: 1100 });
  });
});

describe("payouts onboarding", () => {
  it("sends a vendor back only to an https address or the dashboard's own origin", async () => {
    for (const returnUrl of [
      "javascript:alert(1)",
      "data:text/html,hi",
      "file:///etc/passwd",
      "http://evil.example/back",
    ]) {
      const res = await api("POST", "/api/v1/vendor/payouts/onboarding", {
        token: vendorA.accessToken,
        body: { returnUrl },
      });
      expect(res.status, returnUrl).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    for (const returnUrl of ["https://dashboard.example/payouts", "http://localhost:5173/payouts?done=1"]) {
      const res = await api("POST", "/api/v1/vendor/payouts/onboarding", {
        token: vendorA.accessToken,
        body: { returnUrl },
      });
      expect(res.status, returnUrl).toBe(200);
    }
  });
});

describe("splitting the money", () => {
  it("transfers each vendor its sub-order minus commission, and a partial refund reverses the right share to the cent", async () => {
    const shopper = await signUp();
    const { order } = await buy(shopper, [
      { vendor: vendorA, price: 1999, qty: 3 },
      { vendor: vendorB, price: 4550, qty: 1 },
    ]);
    await deliver(await succeededEvent(order.id));
    const paid = await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.status === "paid",
    );
    const transfers = await eventually(
      () =>
        objects<{ transfer_group: string; amount: number; destination: string }>("transfers").then((all) =>
          all.filter((t) => t.transfer_group === order.id),
        ),
      (found) => found.length === 2,
    );
    // Commission and the vendor's part of a refund round down (workers/payments/test/money.test.ts).
    const commissionA = Math.floor((5997 * 1000) / 10_000);
    const commissionB = Math.floor((4550 * 1500) / 10_000);
    expect(transfers.map((t) => t.amount).sort((a, b) => a - b)).toEqual(
      [5997 - commissionA, 4550 - commissionB].sort((a, b) => a - b),
    );
    expect(transfers.reduce((sum, t) => sum + t.amount, 0)).toBe(paid.total - commissionA - commissionB);

    const subA = paid.subOrders.find((s) => s.vendorId === vendorA.vendorId)!;
    const refunded = await api("POST", `/api/v1/orders/${order.id}/refund`, {
      token: vendorA.accessToken,
      body: { subOrderId: subA.id, amount: 1999 },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(refunded.status).toBe(200);
    const { refundId, reversal } = await refunded.json<{ refundId: string; reversal: number }>();
    expect(reversal).toBe(Math.floor((1999 * (5997 - commissionA)) / 5997));

    const ledger = (await payoutsOf(vendorA)).items.filter((e) => e.subOrderId === subA.id);
    const byKind = Object.fromEntries(ledger.map((e) => [e.kind, e.amount]));
    expect(byKind).toEqual({
      sale: 5997,
      commission: -commissionA,
      transfer: -(5997 - commissionA),
      refund: -1999,
      commission_refund: 1999 - reversal,
      reversal,
    });
    expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    const reversals = await objects<{
      id: string;
      reversals?: { data: { amount: number }[] };
      amount_reversed?: number;
      transfer_group: string;
      destination: string;
    }>("transfers");
    const transferA = reversals.find((t) => t.transfer_group === order.id && t.amount_reversed);
    expect(transferA?.amount_reversed).toBe(reversal);
    expect(ledger.find((e) => e.kind === "refund")?.reference).toBe(refundId);

    await eventually(
      () => orderOf(shopper, order.id),
      (o) => o.subOrders.some((s) => s.refunded === 1999),
    );
    const tooMuch = await api("POST", `/api/v1/orders/${order.id}/refund`, {
      token: vendorA.accessToken,
      body: { subOrderId: subA.id, amount: 5000 },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(tooMuch.status).toBe(409);
  });

  it("retries through a network failure without a second PaymentIntent", async () => {
    const shopper = await signUp();
    await fake("POST", "/faults", { dropResponses: 1 });
    const { order, payment } = await buy(shopper, [{ vendor: vendorA, price: 1300, qty: 1 }]);
    expect(payment?.status).toBe("succeeded");
    const intents = (await objects<{ metadata: Record<string, string> }>("payment_intents")).filter(
      (pi) => pi.metadata.order_id === order.id,
    );
    expect(intents).toHaveLength(1);
  });

  it("accrues what a vendor without payouts is owed, and transfers it once Stripe enables payouts", async () => {
    const late = await vendorSession(admin, "Pay Late");
    const shopper = await signUp();
    const { order } = await buy(shopper, [{ vendor: late, price: 2000, qty: 1 }]);
    await deliver(await succeededEvent(order.id));
    const owed = await eventually(
      () => payoutsOf(late),
      (p) => p.items.length === 2,
    );
    expect(owed.balances).toEqual([{ currency: "EUR", owed: 2000 - 200 }]);
    expect(
      (await objects<{ transfer_group: string }>("transfers")).filter((t) => t.transfer_group === order.id),
    ).toEqual([]);
    await connect(late);
    const paid = await eventually(
      () => payoutsOf(late),
      (p) => p.items.some((e) => e.kind === "transfer"),
    );
    expect(paid.balances).toEqual([{ currency: "EUR", owed: 0 }]);
  });

  it("freezes a disputed order's unpaid shares", async () => {
    const late = await vendorSession(admin, "Pay Disputed");
    const shopper = await signUp();
    const { order, payment } = await buy(shopper, [{ vendor: late, price: 1500, qty: 1 }]);
    await deliver(await succeededEvent(order.id));
    await eventually(
      () => payoutsOf(late),
      (p) => p.items.length === 2,
    );
    await fake("POST", `/payment_intents/${payment!.id}/dispute`);
    const dispute = (await fake<{ events: FakeEvent[] }>("GET", "/events?type=charge.dispute.created")).events.find(
      (e) => e.payload.includes(payment!.id),
    );
    expect((await deliver(dispute!)).status).toBe(200);
    await connect(late);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(
      (await objects<{ transfer_group: string }>("transfers")).filter((t) => t.transfer_group === order.id),
    ).toEqual([]);
    const row = await env.PAYMENTS_DB.prepare("SELECT status FROM vendor_shares WHERE order_id = ?")
      .bind(order.id)
      .first<{ status: string }>();
    expect(row?.status).toBe("frozen");
  });

  it("keeps each vendor's payouts to itself", async () => {
    const a = await payoutsOf(vendorA);
    const b = await payoutsOf(vendorB);
    expect(a.account?.payoutsEnabled).toBe(true);
    const aSubs = new Set(a.items.map((e) => e.subOrderId));
    expect(b.items.some((e) => aSubs.has(e.subOrderId))).toBe(false);
    expect((await api("GET", "/api/v1/vendor/payouts", { token: (await signUp()).accessToken })).status).toBe(403);
    const badCursor = await api("GET", "/api/v1/vendor/payouts?cursor=bm9uc2Vuc2U", { token: vendorA.accessToken });
    expect(badCursor.status).toBe(400);
  });
});
