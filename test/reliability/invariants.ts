// What must hold after any burst, fault, replay or crash, read from the outside: the public API, Stripe's own objects
// (the fake's), and the local state folder. Each check returns the violations it found, in words; `settled` waits for
// the eventually consistent parts (events, relays, retries) and then fails with whatever is still wrong.
import { beforeEach, expect } from "vitest";
import { type Account, call, type OrderView, payouts, type Sku, state, stripeObjects, type Vendor } from "./client.ts";
import { tried } from "./journal.ts";
import { type Domain, OUTBOX_DOMAINS } from "./local-db.ts";
import { sleep } from "./system.ts";

export interface Tracked {
  shopper: Account;
  orderId: string;
}

interface Intent {
  id: string;
  amount: number;
  status: string;
  metadata: Record<string, string>;
}
interface StripeRefund {
  id: string;
  amount: number;
  payment_intent: string;
  metadata: Record<string, string>;
}
interface Transfer {
  id: string;
  amount: number;
  amount_reversed: number;
  transfer_group: string;
  metadata: Record<string, string>;
}

/** Polls `check` until it finds nothing wrong, then asserts; whatever is still wrong at the deadline fails the test. */
export async function settled(what: string, check: () => Promise<string[]>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  let found: string[] = [];
  while (Date.now() - started < timeoutMs) {
    found = await check();
    if (found.length === 0) break;
    await sleep(500);
  }
  tried(
    `checked ${what}: ${found.length === 0 ? `holds (after ${((Date.now() - started) / 1000).toFixed(1)} s)` : `${found.length} violation(s)`}`,
  );
  for (const violation of found.slice(0, 12)) tried(`  VIOLATION ${violation}`);
  expect(found, what).toEqual([]);
}

/** Every order a shopper ever placed, found from the Idempotency-Keys orders recorded (complete, unlike the answers a client saw). */
export function ordersOf(shoppers: Account[]): Tracked[] {
  const byUser = new Map(shoppers.map((s) => [s.userId, s]));
  if (byUser.size === 0) return [];
  const rows = state().query<{ user_id: string; order_id: string }>(
    "orders",
    `SELECT user_id, order_id FROM idempotency_keys WHERE user_id IN (${[...byUser.keys()].map(() => "?").join(",")})`,
    ...byUser.keys(),
  );
  return rows.flatMap((r) => {
    const shopper = byUser.get(r.user_id);
    return shopper ? [{ shopper, orderId: r.order_id }] : [];
  });
}

/** The order as its owner sees it; null when it was never placed (refused for stock, or lost before its Durable Object had it). */
export async function view(t: Tracked): Promise<OrderView | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await call<OrderView>("GET", `/api/v1/orders/${t.orderId}`, { token: t.shopper.token });
    if (answer.status === 200) return answer.body;
    if (answer.status === 404) return null;
    await sleep(300);
  }
  throw new Error(`GET /api/v1/orders/${t.orderId} kept failing`);
}

const wasPaid = (o: OrderView) => o.history.some((h) => h.status === "paid");
const wasCancelled = (o: OrderView) => o.history.some((h) => h.status === "cancelled");

/**
 * Money of each order: one PaymentIntent; refunds at Stripe never above what was paid, per sub-order and per order;
 * the sum of Stripe's refunds of the intent equals what the marketplace recorded (orders API and the payments books);
 * a paid intent belongs to an order that is paid (or was, and is refunded), or was cancelled and refunded in full;
 * an order the shopper cancelled before paying leaves no payable intent behind.
 */
export async function moneyViolations(tracked: Tracked[]): Promise<string[]> {
  const [intents, refunds] = await Promise.all([
    stripeObjects<Intent>("payment_intents"),
    stripeObjects<StripeRefund>("refunds"),
  ]);
  const books = new Map(
    state()
      .query<{ id: string; amount: number }>("payments", "SELECT id, amount FROM refunds")
      .map((r) => [r.id, r.amount]),
  );
  const found: string[] = [];
  for (const t of tracked) {
    const o = await view(t);
    const mine = intents.filter((pi) => pi.metadata.order_id === t.orderId);
    if (!o) {
      if (mine.length > 0)
        found.push(`${t.orderId}: Stripe has PaymentIntent ${mine[0]?.id} for an order that does not exist`);
      continue;
    }
    if (mine.length > 1)
      found.push(
        `${o.id}: ${mine.length} PaymentIntents (${mine.map((pi) => pi.id).join(", ")}), one per order expected`,
      );
    const intentIds = new Set(mine.map((pi) => pi.id));
    const stripeRefunds = refunds.filter((r) => intentIds.has(r.payment_intent));
    const refundedAtStripe = stripeRefunds.reduce((sum, r) => sum + r.amount, 0);
    const paidAtStripe = mine.filter((pi) => pi.status === "succeeded").reduce((sum, pi) => sum + pi.amount, 0);
    if (refundedAtStripe > paidAtStripe)
      found.push(`${o.id}: Stripe refunded ${refundedAtStripe} of ${paidAtStripe} paid`);
    if (refundedAtStripe > o.total)
      found.push(`${o.id}: Stripe refunded ${refundedAtStripe}, more than the order's total ${o.total}`);
    for (const r of stripeRefunds) {
      if (books.get(r.id) !== r.amount)
        found.push(
          `${o.id}: Stripe refund ${r.id} of ${r.amount} is ${books.has(r.id) ? `booked as ${books.get(r.id)}` : "missing from the payments books"}`,
        );
    }
    for (const sub of o.subOrders) {
      const atStripe = stripeRefunds
        .filter((r) => r.metadata.sub_order_id === sub.id)
        .reduce((sum, r) => sum + r.amount, 0);
      if (sub.refunded > sub.total)
        found.push(`${o.id}/${sub.id}: refunded ${sub.refunded} of a ${sub.total} sub-order`);
      if (atStripe > sub.total)
        found.push(`${o.id}/${sub.id}: Stripe refunded ${atStripe} of a ${sub.total} sub-order`);
      if (atStripe !== sub.refunded)
        found.push(`${o.id}/${sub.id}: Stripe refunded ${atStripe}, the order records ${sub.refunded}`);
    }
    const recorded =
      o.subOrders.length > 0
        ? o.subOrders.reduce((sum, s) => sum + s.refunded, 0)
        : o.refund?.status === "done"
          ? o.refund.amount
          : 0;
    if (o.subOrders.length > 0 && recorded !== refundedAtStripe)
      found.push(`${o.id}: Stripe refunded ${refundedAtStripe} in all, the order records ${recorded}`);
    if (paidAtStripe > 0) {
      const settledFor =
        ["paid", "fulfilled", "completed"].includes(o.status) || (o.status === "refunded" && wasPaid(o));
      const refundedInFull = (o.status === "cancelled" || o.status === "refunded") && refundedAtStripe === paidAtStripe;
      if (!settledFor && !refundedInFull)
        found.push(
          `${o.id}: Stripe took ${paidAtStripe} but the order is ${o.status} with ${refundedAtStripe} refunded`,
        );
    }
    if (o.status === "cancelled" && !wasPaid(o) && o.history.some((h) => h.note === "cancelled by the shopper")) {
      for (const pi of mine) {
        if (pi.status !== "canceled" && pi.status !== "succeeded")
          found.push(`${o.id}: cancelled unpaid, yet its PaymentIntent ${pi.id} is still ${pi.status} (payable)`);
      }
    }
  }
  return found;
}

/**
 * Each vendor's ledger, per sub-order, against Stripe: one sale of the sub-order's total and one commission; refunds
 * booked as Stripe made them; one transfer per sub-order, booked as made; reversals booked as Stripe made them; each
 * refund's vendor part proportional to the vendor's net (to the cent); and the sum, what the vendor is owed, equal to
 * what it sold net of refunds minus what Stripe holds as transferred: 0 after a transfer that matched and whose
 * reversals went through, never lower than minus what Stripe failed to reverse.
 */
export async function ledgerViolations(vendors: Vendor[], tracked: Tracked[]): Promise<string[]> {
  const [transfers, refunds] = await Promise.all([
    stripeObjects<Transfer>("transfers"),
    stripeObjects<StripeRefund>("refunds"),
  ]);
  const found: string[] = [];
  const orders = (await Promise.all(tracked.map(view))).filter((o): o is OrderView => o !== null);
  for (const v of vendors) {
    const { items } = await payouts(v);
    for (const o of orders) {
      for (const sub of o.subOrders.filter((s) => s.vendorId === v.vendorId)) {
        const entries = items.filter((e) => e.subOrderId === sub.id);
        const sum = (kind: string) => entries.filter((e) => e.kind === kind).reduce((total, e) => total + e.amount, 0);
        const count = (kind: string) => entries.filter((e) => e.kind === kind).length;
        const label = `${v.vendorId}/${sub.id}`;
        if (count("sale") !== 1 || sum("sale") !== sub.total) {
          found.push(`${label}: ${count("sale")} sale entries summing ${sum("sale")}, one of ${sub.total} expected`);
          continue;
        }
        const commission = -sum("commission");
        if (count("commission") !== 1 || commission < 0 || commission > sub.total)
          found.push(
            `${label}: commission entries ${entries
              .filter((e) => e.kind === "commission")
              .map((e) => e.amount)
              .join(", ")}`,
          );
        const net = sub.total - commission;
        const subRefunds = refunds.filter((r) => r.metadata.sub_order_id === sub.id);
        const refundedAtStripe = subRefunds.reduce((total, r) => total + r.amount, 0);
        if (-sum("refund") !== refundedAtStripe)
          found.push(`${label}: refunds booked ${-sum("refund")}, Stripe refunded ${refundedAtStripe}`);
        let vendorParts = 0;
        for (const r of subRefunds) {
          const share = (r.amount * net) / sub.total;
          // A refund missing from the ledger is reported above; what it should have taken counts in what is owed.
          if (!entries.some((e) => e.kind === "refund" && e.reference === r.id)) {
            vendorParts += Math.floor(share);
            continue;
          }
          const part =
            r.amount -
            entries
              .filter((e) => e.reference === r.id && e.kind === "commission_refund")
              .reduce((total, e) => total + e.amount, 0);
          vendorParts += part;
          if (Math.abs(part - share) >= 1)
            found.push(
              `${label}: refund ${r.id} of ${r.amount} takes ${part} from the vendor, not its share ${share.toFixed(2)}`,
            );
        }
        const mine = transfers.filter((t) => t.metadata.sub_order_id === sub.id);
        if (mine.length > 1)
          found.push(
            `${label}: ${mine.length} transfers at Stripe (${mine.map((t) => t.id).join(", ")}), one expected`,
          );
        const transferred = mine.reduce((total, t) => total + t.amount, 0);
        const reversed = mine.reduce((total, t) => total + t.amount_reversed, 0);
        if (-sum("transfer") !== transferred)
          found.push(`${label}: transfers booked ${-sum("transfer")}, Stripe transferred ${transferred}`);
        if (sum("reversal") !== reversed)
          found.push(`${label}: reversals booked ${sum("reversal")}, Stripe reversed ${reversed}`);
        const owed = entries.reduce((total, e) => total + e.amount, 0);
        const expected = net - vendorParts - (transferred - reversed);
        if (owed !== expected)
          found.push(
            `${label}: the ledger says ${owed} is owed; from Stripe's transfers and refunds it is ${expected}`,
          );
        if (transferred > 0 && owed < -(vendorParts - reversed))
          found.push(`${label}: owed ${owed}, below minus what Stripe failed to reverse (${vendorParts - reversed})`);
        if (vendorParts > net) found.push(`${label}: refunds took ${vendorParts} from a vendor whose net was ${net}`);
      }
    }
  }
  return found;
}

/**
 * Stock of each SKU is conserved: live availability + units held by orders awaiting payment + units sold (orders
 * that were paid and not cancelled) = the stock the vendor set; and the Inventory object itself holds exactly the
 * units of the orders awaiting payment and has exactly the unsold units on hand. Nothing lost, nothing sold twice.
 */
export async function stockViolations(skus: Sku[], tracked: Tracked[], readerToken: string): Promise<string[]> {
  const orders = (await Promise.all(tracked.map(view))).filter((o): o is OrderView => o !== null);
  const inventory = state().inventory();
  const found: string[] = [];
  for (const s of skus) {
    let held = 0;
    let sold = 0;
    for (const o of orders) {
      const qty = o.lines.filter((l) => l.sku === s.sku).reduce((total, l) => total + l.qty, 0);
      if (o.status === "awaiting_payment") held += qty;
      else if (wasPaid(o) && !wasCancelled(o)) sold += qty;
    }
    const detail = await call<{ variants: { sku: string; available: number }[] }>(
      "GET",
      `/api/v1/products/${s.productId}`,
      { token: readerToken },
    );
    const available = detail.body?.variants?.find((v) => v.sku === s.sku)?.available;
    if (available === undefined) {
      found.push(`${s.sku}: availability unreadable (${detail.status})`);
      continue;
    }
    if (available + held + sold !== s.initialStock) {
      found.push(
        `${s.sku}: ${available} available + ${held} held + ${sold} sold = ${available + held + sold}, stock was ${s.initialStock}`,
      );
    }
    if (available < 0) found.push(`${s.sku}: ${available} available`);
    const level = inventory.get(s.sku);
    if (level && (level.held !== held || level.onHand !== s.initialStock - sold)) {
      found.push(
        `${s.sku}: the Inventory object has ${level.onHand} on hand and ${level.held} held; the orders say ${s.initialStock - sold} and ${held}`,
      );
    }
  }
  return found;
}

let testStarted = Date.now();
beforeEach(() => {
  testStarted = Date.now();
});

/** Databases whose consumers note each message they fail to apply in `dead_letters` (lib/queue). */
const CONSUMER_DOMAINS: Domain[] = ["users", "catalog", "orders", "payments"];

/**
 * Every outbox drained: no D1 outbox row unsent, no Order Durable Object with an `outbox:` entry left; and no event
 * a consumer failed on since the test began (still being retried, or dead-lettered).
 */
export async function outboxViolations(): Promise<string[]> {
  const found: string[] = [];
  for (const domain of CONSUMER_DOMAINS) {
    const failing = state().query<{
      id: string;
      type: string;
      queue: string;
      attempts: number;
      last_error: string | null;
      dead_at: number | null;
    }>(
      domain,
      "SELECT id, type, queue, attempts, last_error, dead_at FROM dead_letters WHERE first_failed_at >= ?",
      testStarted,
    );
    for (const f of failing.slice(0, 3)) {
      found.push(
        `${domain}: ${f.type} ${f.id} on ${f.queue} ${f.dead_at ? "dead-lettered" : "failing"} after ${f.attempts} attempt(s): ${f.last_error?.slice(0, 160)}`,
      );
    }
  }
  for (const domain of OUTBOX_DOMAINS) {
    const unsent = state().unsentOutbox(domain);
    if (unsent.length)
      found.push(
        `${domain} outbox: ${unsent.length} unsent (${unsent
          .slice(0, 3)
          .map((e) => `${e.type} ${e.id}, ${e.attempts} attempts`)
          .join("; ")})`,
      );
  }
  const pending = state().durableObjectEntries("orders-Order", "outbox:");
  if (pending.length)
    found.push(
      `Order objects: ${pending.length} outbox entries unsent (${pending
        .slice(0, 3)
        .map((p) => `${p.object} ${p.key}`)
        .join("; ")})`,
    );
  return found;
}

/** All of the above for a scenario's orders, vendors and SKUs, in one wait. */
export async function allViolations(scope: {
  tracked: Tracked[];
  vendors: Vendor[];
  skus: Sku[];
  readerToken: string;
}): Promise<string[]> {
  return [
    ...(await moneyViolations(scope.tracked)),
    ...(await ledgerViolations(scope.vendors, scope.tracked)),
    ...(await stockViolations(scope.skus, scope.tracked, scope.readerToken)),
    ...(await outboxViolations()),
  ];
}
