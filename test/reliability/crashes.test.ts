// Scenario 2: the machine dies. Every process of the running system (wrangler dev, esbuild, every workerd) gets
// SIGKILL at once, in the middle of a burst; the system restarts on the same state folder while "Stripe" (the fake)
// keeps running; clients retry with their Idempotency-Keys; then everything must settle to a consistent state.
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Account,
  type Answer,
  addToCart,
  type Checkout,
  call,
  category,
  checkout,
  control,
  eventually,
  key,
  type OrderView,
  paidOrder,
  product,
  refund,
  type Sku,
  shopper,
  state,
  stripeApi,
  stripeObjects,
  stripeRetriesUndelivered,
  tally,
  type Vendor,
  vendor,
} from "./client.ts";
import { allViolations, ordersOf, settled, type Tracked, view } from "./invariants.ts";
import { tried } from "./journal.ts";
import { giveBack, lostInQueues } from "./queue-loss.ts";
import { sleep } from "./system.ts";

let seller: Vendor;
let categoryId: string;
let reader: Account;

beforeAll(async () => {
  seller = await vendor("Crash store");
  categoryId = await category();
  reader = await shopper();
});

/**
 * Waits until `ready` (the burst is under way), then kills every process of the system at once and starts it again;
 * Stripe's later webhook retries arrive, and what the local queue broker lost is given back (queue-loss.ts).
 */
async function crashWhen(
  what: string,
  ready: () => Promise<boolean> | boolean,
  tracked: () => Tracked[],
  timeoutMs = 20_000,
): Promise<void> {
  const tap = control<{ url: string }>("tap");
  const deadline = Date.now() + timeoutMs;
  while (!(await ready()) && Date.now() < deadline) await sleep(25);
  const { killed } = await control<{ killed: { pid: number; command: string }[] }>("crash");
  // Everything the system sent, it sent before this.
  const crashedAt = Date.now();
  tried(
    `SIGKILL to every process of the system at once, ${what}: ${killed.map((p) => `${p.command} ${p.pid}`).join(", ")}`,
  );
  const { ms } = await control<{ ms: number }>("restart");
  tried(`restarted wrangler dev on the same state folder; the gateway answered after ${(ms / 1000).toFixed(1)} s`);
  const resent = await stripeRetriesUndelivered();
  tried(
    `Stripe retried ${resent.length} webhook(s) no attempt had delivered${resent.length ? ` (${summarize(resent.map((e) => e.type))})` : ""}`,
  );
  const debug = (label: string) => {
    if (!process.env.RELIABILITY_DEBUG) return;
    const ids = new Set(tracked().map((t) => t.orderId));
    const states = state()
      .durableObjectEntries("orders-Order", "")
      .filter((e) => ids.has(e.object));
    const projected = new Map(
      state()
        .query<{ id: string; version: number }>("orders", "SELECT id, version FROM orders")
        .map((r) => [r.id, r.version]),
    );
    tried(
      `DEBUG ${label}: ${states.map((e) => `${e.object.slice(-6)} ${e.key}${e.key === "state" ? ` v${(e.value as { version: number }).version}` : ""} (read model v${projected.get(e.object) ?? 0})`).join("; ")}`,
    );
  };
  debug("after restart, before any request");
  // Every order's object is read through the API first, so workerd has opened (and recovered) its storage.
  await Promise.all(tracked().map(view));
  debug("after reading each order");
  const lost = lostInQueues(state(), crashedAt);
  await giveBack((await tap).url, lost);
  // The tap's send resolves even when its broker drops the message, so wait for the consumers to have them.
  await eventually(
    "the given-back messages consumed",
    () => lostInQueues(state(), crashedAt),
    (left) => left.length === 0,
    20_000,
  );
  tried(
    `Miniflare's in-memory queue broker lost ${lost.length} queued message(s) in the crash${lost.length ? ` (${summarize(lost.map((m) => `${m.type} → ${m.queue}`))}; from ${summarize(lost.map((m) => m.from.replace(/^order \S+/, "an Order object's state")))})` : ""}; given back through the queue tap, as Cloudflare's durable queue would deliver them`,
  );
}

const summarize = (items: string[]) =>
  Object.entries(
    items.reduce<Record<string, number>>((acc, x) => {
      acc[x] = (acc[x] ?? 0) + 1;
      return acc;
    }, {}),
  )
    .map(([x, n]) => `${n}× ${x}`)
    .join(", ");

/** A client's retry after a lost answer: the same request with the same key, again while the answer is "in progress". */
async function retry<T>(send: () => Promise<Answer<T>>, attempts = 20): Promise<Answer<T>> {
  let last = await send();
  for (
    let i = 1;
    i < attempts &&
    (last.status === 0 ||
      last.status >= 500 ||
      (last.status === 409 && /in progress/i.test(JSON.stringify(last.body))));
    i++
  ) {
    await sleep(500);
    last = await send();
  }
  return last;
}

function intentsOf(userIds: Set<string>) {
  return stripeObjects<{ id: string; status: string; metadata: Record<string, string> }>("payment_intents").then(
    (all) => all.filter((pi) => userIds.has(pi.metadata.user_id ?? "")),
  );
}

function scope(shoppers: Account[], skus: Sku[]) {
  return { tracked: ordersOf(shoppers), vendors: [seller], skus, readerToken: reader.token };
}

/**
 * Each shopper ends with exactly one order, paid: the checkout took effect once (retried to completion), never twice;
 * and every PaymentIntent Stripe holds for these shoppers belongs to one of those orders.
 */
async function onePaidOrderEach(shoppers: Account[]): Promise<string[]> {
  const found: string[] = [];
  const orderIds = new Set(ordersOf(shoppers).map((t) => t.orderId));
  for (const pi of await intentsOf(new Set(shoppers.map((s) => s.userId)))) {
    if (!orderIds.has(pi.metadata.order_id ?? ""))
      found.push(
        `PaymentIntent ${pi.id} (${pi.status}) names order ${pi.metadata.order_id}, which none of its shopper's checkouts made`,
      );
  }
  for (const s of shoppers) {
    const orders = (await Promise.all(ordersOf([s]).map(view))).filter((o): o is OrderView => o !== null);
    if (orders.length !== 1)
      found.push(`${s.userId}: ${orders.length} orders (${orders.map((o) => `${o.id} ${o.status}`).join(", ")})`);
    else if (orders[0]?.status !== "paid") found.push(`${s.userId}: order ${orders[0]?.id} is ${orders[0]?.status}`);
  }
  return found;
}

describe("a crash", () => {
  it("in the middle of a burst of paid checkouts: each took effect once, none lost its payment or its stock", async () => {
    const s = await product(seller, categoryId, 1000, 100);
    const buyers = await Promise.all(Array.from({ length: 12 }, () => shopper()));
    await Promise.all(buyers.map((b, i) => addToCart(b.token, s, 1 + (i % 2))));
    const keys = buyers.map(() => key());
    const userIds = new Set(buyers.map((b) => b.userId));
    const inFlight = buyers.map((b, i) => checkout(b.token, keys[i] ?? "", "pm_card_visa"));
    tried(`POST /api/v1/checkout ×${buyers.length} at once (pm_card_visa, each shopper its own cart and key)`);
    await crashWhen(
      "once a third of the PaymentIntents exist at Stripe",
      async () => (await intentsOf(userIds)).length >= buyers.length / 3,
      () => ordersOf(buyers),
    );
    const first = await Promise.all(inFlight);
    tried(`answers before the crash: ${JSON.stringify(tally(first, false))}`);

    const again = await Promise.all(
      buyers.map((b, i) => retry(() => checkout(b.token, keys[i] ?? "", "pm_card_visa"))),
    );
    tried(`every shopper retried with the same Idempotency-Key: ${JSON.stringify(tally(again))}`);
    first.forEach((answer, i) => {
      if (answer.status === 201)
        expect(again[i]?.body.order?.id, "a retry gets the first outcome").toBe((answer.body as Checkout).order.id);
    });
    await settled("one paid order per shopper", () => onePaidOrderEach(buyers), 45_000);
    await settled("money, ledger, stock, outboxes", () => allViolations(scope(buyers, [s])), 45_000);
  });

  it("in the middle of Stripe's webhook deliveries: every payment Stripe took reaches its order, once", async () => {
    const s = await product(seller, categoryId, 1100, 100);
    const buyers = await Promise.all(Array.from({ length: 10 }, () => shopper()));
    await Promise.all(buyers.map((b) => addToCart(b.token, s, 1)));
    // Orders awaiting payment, each with a PaymentIntent for the browser.
    const placed = await Promise.all(buyers.map((b) => checkout(b.token, key())));
    expect(placed.map((p) => p.status)).toEqual(buyers.map(() => 201));
    const intents = placed.map((p) => p.body.payment?.id ?? "");
    // The shoppers' browsers confirm at Stripe all at once; Stripe sends a burst of payment_intent.succeeded.
    const confirming = intents.map((id) =>
      stripeApi("POST", `/v1/payment_intents/${id}/confirm`, { payment_method: "pm_card_visa" }),
    );
    tried(
      `${intents.length} PaymentIntents confirmed at Stripe at once (as Stripe.js does): a burst of payment_intent.succeeded webhooks`,
    );
    await crashWhen(
      "once a third of those webhooks were recorded by payments",
      () => {
        const recorded =
          state().query<{ n: number }>(
            "payments",
            `SELECT count(*) AS n FROM payments WHERE status = 'succeeded' AND intent_id IN (${intents.map(() => "?").join(",")})`,
            ...intents,
          )[0]?.n ?? 0;
        return recorded >= intents.length / 3;
      },
      () => ordersOf(buyers),
    );
    await Promise.all(confirming);
    await settled("one paid order per shopper", () => onePaidOrderEach(buyers), 45_000);
    await settled("money, ledger, stock, outboxes", () => allViolations(scope(buyers, [s])), 45_000);
  });

  it("in the middle of refunds and cancellations: no refund made at Stripe is missing from the books, none made twice", async () => {
    const s = await product(seller, categoryId, 1200, 100);
    const paid = await Promise.all(Array.from({ length: 8 }, (_, i) => paidOrder([{ sku: s, qty: 1 + (i % 2) }])));
    const refunds = paid.slice(0, 4).map((p) => ({ ...p, key: key(), sub: p.order.subOrders[0]?.id ?? "" }));
    const cancels = paid.slice(4);
    const intents = new Set(paid.map((p) => p.paymentId));
    const tracked: Tracked[] = paid.map((p) => ({ shopper: p.shopper, orderId: p.order.id }));
    const inFlight = [
      ...refunds.map((r) => refund(seller, r.order.id, r.sub, r.key)),
      ...cancels.map((c) => call("POST", `/api/v1/orders/${c.order.id}/cancel`, { token: c.shopper.token })),
    ];
    tried(
      `${refunds.length}× POST /api/v1/orders/:id/refund (vendor, whole sub-order) and ${cancels.length}× POST /api/v1/orders/:id/cancel (shopper, paid orders) at once`,
    );
    await crashWhen(
      "once Stripe made the first refunds",
      async () => {
        const made = (await stripeObjects<{ payment_intent: string }>("refunds")).filter((r) =>
          intents.has(r.payment_intent),
        );
        return made.length >= 1;
      },
      () => tracked,
    );
    const first = await Promise.all(inFlight);
    tried(`answers before the crash: ${JSON.stringify(tally(first, false))}`);
    const again = await Promise.all([
      ...refunds.map((r) => retry(() => refund(seller, r.order.id, r.sub, r.key))),
      ...cancels.map((c) =>
        retry(() => call("POST", `/api/v1/orders/${c.order.id}/cancel`, { token: c.shopper.token })),
      ),
    ]);
    tried(`every client retried (refunds with the same Idempotency-Key): ${JSON.stringify(tally(again))}`);
    refunds.forEach((r, i) => {
      const before = first[i] as Answer<{ refundId?: string }>;
      const after = again[i] as Answer<{ refundId?: string }>;
      expect(after.status, `refund retry of ${r.order.id}`).toBe(200);
      if (before.status === 200)
        expect(after.body.refundId, "a retry gets the first outcome").toBe(before.body.refundId);
    });
    await settled(
      "every refund and cancellation carried out in full",
      async () => {
        const found: string[] = [];
        for (const t of tracked) {
          const o = await view(t);
          if (o?.subOrders.some((sub) => sub.refunded !== sub.total))
            found.push(
              `${o.id}: ${o.status}, refunded ${o.subOrders.map((sub) => `${sub.refunded}/${sub.total}`).join(", ")}`,
            );
        }
        return found;
      },
      45_000,
    );
    await settled(
      "money, ledger, stock, outboxes",
      () => allViolations({ tracked, vendors: [seller], skus: [s], readerToken: reader.token }),
      45_000,
    );
  });
});
