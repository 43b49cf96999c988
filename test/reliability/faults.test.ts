// Scenario 3: Stripe misbehaves. The fake does the work and then hangs until the connection is cut (a timeout after
// the work), does the work and drops the answer, or answers 500 without doing it, on PaymentIntents, refunds,
// transfers and reversals. Clients retry as clients do (same Idempotency-Key); then every record must be consistent.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Account,
  type Answer,
  addToCart,
  call,
  category,
  checkout,
  clearFaults,
  fault,
  key,
  paidOrder,
  product,
  refund,
  type Sku,
  shopper,
  stripeObjects,
  tally,
  untilOrder,
  type Vendor,
  vendor,
} from "./client.ts";
import { allViolations, ordersOf, settled } from "./invariants.ts";
import { tried } from "./journal.ts";
import { sleep } from "./system.ts";

let seller: Vendor;
let categoryId: string;
let reader: Account;

beforeAll(async () => {
  seller = await vendor("Fault store");
  categoryId = await category();
  reader = await shopper();
});

afterEach(clearFaults);

type Rule = Parameters<typeof fault>[0];

async function inject(rule: Rule): Promise<void> {
  await fault(rule);
  tried(
    `Stripe fault: ${rule.mode} ×${rule.times ?? 1} on ${rule.path}${rule.mode === "hang" ? ` (${rule.hangMs} ms, then the connection is cut)` : ""}`,
  );
}

/** A client retrying after no answer, a 5xx or "in progress", with the same request and key, up to `attempts` times. */
async function retried<T>(what: string, send: () => Promise<Answer<T>>, attempts = 6): Promise<Answer<T>> {
  const answers = [await send()];
  while (answers.length < attempts) {
    const last = answers[answers.length - 1];
    if (
      !last ||
      (last.status !== 0 &&
        last.status < 500 &&
        !(last.status === 409 && /in progress/i.test(JSON.stringify(last.body))))
    )
      break;
    await sleep(1_000);
    answers.push(await send());
  }
  tried(`${what}: ${answers.map((a) => (a.status === 0 ? "no answer" : String(a.status))).join(" → ")}`);
  return answers[answers.length - 1] as Answer<T>;
}

function intentsOf(orderId: string) {
  return stripeObjects<{ id: string; status: string; metadata: Record<string, string> }>("payment_intents").then(
    (all) => all.filter((pi) => pi.metadata.order_id === orderId),
  );
}

async function consistent(shoppers: Account[], skus: Sku[]): Promise<void> {
  await settled(
    "money, ledger, stock, outboxes",
    () => allViolations({ tracked: ordersOf(shoppers), vendors: [seller], skus, readerToken: reader.token }),
    45_000,
  );
}

describe("checkout while Stripe fails", () => {
  for (const rule of [
    { mode: "hang", path: "/v1/payment_intents", times: 1, hangMs: 2_000 },
    { mode: "drop", path: "/v1/payment_intents", times: 3 },
    { mode: "fail", path: "/v1/payment_intents", times: 3 },
  ] satisfies Rule[]) {
    it(`ends with one PaymentIntent and a paid order when creating it meets ${rule.mode} ×${rule.times}`, async () => {
      const s = await product(seller, categoryId, 1500, 10);
      const buyer = await shopper();
      await addToCart(buyer.token, s, 2);
      await inject(rule);
      const k = key();
      const first = await checkout(buyer.token, k, "pm_card_visa");
      tried(
        `POST /api/v1/checkout (pm_card_visa): ${first.status}, payment ${first.body?.payment ? first.body.payment.status : "none (Stripe unreachable)"}`,
      );
      expect(first.status).toBe(201);
      // A checkout whose payment could not be created answers payment: null; the client retries with its key.
      const final = first.body.payment
        ? first
        : await retried("the same checkout retried with its key", () => checkout(buyer.token, k, "pm_card_visa"));
      expect(final.status).toBe(201);
      expect(final.body.order.id, "the retry answers the first order").toBe(first.body.order.id);
      await untilOrder(buyer.token, first.body.order.id, (o) => o.status === "paid", "paid");
      expect(await intentsOf(first.body.order.id), "PaymentIntents of the order").toHaveLength(1);
      await consistent([buyer], [s]);
    });
  }
});

describe("refunds while Stripe fails", () => {
  for (const rule of [
    { mode: "hang", path: "/v1/refunds", times: 1, hangMs: 2_000 },
    { mode: "drop", path: "/v1/refunds", times: 3 },
    { mode: "fail", path: "/v1/refunds", times: 3 },
    { mode: "fail", path: "/v1/transfers/", times: 3 },
  ] satisfies Rule[]) {
    const target = rule.path === "/v1/refunds" ? "the refund" : "the transfer reversal";
    it(`books one refund, as Stripe made it, when ${target} meets ${rule.mode} ×${rule.times} and the vendor retries`, async () => {
      const s = await product(seller, categoryId, 2500, 10);
      const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 2 }]);
      const sub = paid.subOrders[0];
      if (!sub) throw new Error("no sub-order");
      await inject(rule);
      const k = key();
      const final = await retried(`POST /api/v1/orders/:id/refund of 2000 of ${sub.total}, retried with its key`, () =>
        refund(seller, paid.id, sub.id, k, 2000),
      );
      expect(final.status, JSON.stringify(final.body)).toBe(200);
      const stripeRefunds = (
        await stripeObjects<{ payment_intent: string; amount: number; metadata: Record<string, string> }>("refunds")
      ).filter((r) => r.metadata.order_id === paid.id);
      expect(
        stripeRefunds.map((r) => r.amount),
        "refunds at Stripe",
      ).toEqual([2000]);
      await untilOrder(buyer.token, paid.id, (o) => o.subOrders[0]?.refunded === 2000, "refund recorded");
      await consistent([buyer], [s]);
    });
  }
});

describe("a lost answer nobody retries", () => {
  it("books a refund Stripe made even when its answer was lost and the vendor never asks again", async () => {
    const s = await product(seller, categoryId, 2200, 10);
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 2 }]);
    const sub = paid.subOrders[0];
    if (!sub) throw new Error("no sub-order");
    await inject({ mode: "drop", path: "/v1/refunds", times: 3 });
    const answer = await refund(seller, paid.id, sub.id, key(), 1500);
    tried(
      `POST /api/v1/orders/:id/refund of 1500, answer lost at Stripe three times: ${JSON.stringify(tally([answer]))}; the vendor gives up`,
    );
    const made = (await stripeObjects<{ amount: number; metadata: Record<string, string> }>("refunds")).filter(
      (r) => r.metadata.order_id === paid.id,
    );
    expect(
      made.map((r) => r.amount),
      "refunds Stripe made",
    ).toEqual([1500]);
    await consistent([buyer], [s]);
  });
});

describe("settlement while Stripe fails", () => {
  it("pays the vendor once when its transfer meets fail ×3 (the queue consumer retries)", async () => {
    const s = await product(seller, categoryId, 1800, 10);
    await inject({ mode: "fail", path: "/v1/transfers", times: 3 });
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 1 }]);
    const transfers = (await stripeObjects<{ transfer_group: string }>("transfers")).filter(
      (t) => t.transfer_group === paid.id,
    );
    expect(transfers).toHaveLength(1);
    await consistent([buyer], [s]);
  });

  it("refunds a cancelled order in full when Stripe's refunds meet fail ×3 (the queue consumer retries)", async () => {
    const s = await product(seller, categoryId, 1900, 10);
    const { shopper: buyer, order: paid } = await paidOrder([{ sku: s, qty: 2 }]);
    await inject({ mode: "fail", path: "/v1/refunds", times: 3 });
    const cancelled = await call("POST", `/api/v1/orders/${paid.id}/cancel`, { token: buyer.token });
    tried(`POST /api/v1/orders/:id/cancel of a paid order: ${JSON.stringify(tally([cancelled]))}`);
    expect(cancelled.status).toBe(200);
    await untilOrder(buyer.token, paid.id, (o) => o.subOrders.every((x) => x.refunded === x.total), "refunded", 45_000);
    await consistent([buyer], [s]);
  });
});
