import { DurableObject } from "cloudflare:workers";
import type { OrderLine, Order as OrderView, ShippingAddress, SubOrder } from "#lib/contracts/api/orders.ts";
import type { EventEnvelope } from "#lib/contracts/events/envelope.ts";
import { OrderUpdated } from "#lib/contracts/events/orders.ts";
import { newId } from "#lib/contracts/ids.ts";
import type { HoldState } from "#lib/contracts/inventory.ts";
import { type CatalogRpc, rpc } from "#lib/contracts/rpc.ts";
import { log, workerName } from "#lib/http/log.ts";
import { buildEvent, type OutboxEnv, sendToInboxes } from "#lib/outbox/outbox.ts";

export type OrderEnv = OutboxEnv & { CATALOG: Fetcher };

/** A line's hold as the order sees it: the order never lets one expire (it releases first). */
type LineHoldState = Exclude<HoldState, "expired">;

interface State {
  userId: string;
  version: number;
  /** Internal: `rejected` orders never held stock and are invisible to shoppers. */
  rejected: boolean;
  order: OrderView;
  holds: { sku: string; holdId: string; qty: number; state: LineHoldState }[];
  paymentId: string | null;
  /** refund.succeeded events already applied. */
  refundIds: string[];
  deadline: number | null;
  traceId: string;
  /** Each vendor's shipping, quoted at checkout; its sub-order carries it once paid. Absent in orders placed before shipping was quoted. */
  shippingByVendor?: Record<string, number>;
  /** The newest shipment.updated version applied per sub-order, so an older snapshot changes nothing. */
  shipmentVersions?: Record<string, number>;
}

export interface PlacedOrder {
  userId: string;
  order: OrderView;
  rejected: boolean;
}

export interface PlaceInput {
  orderId: string;
  userId: string;
  lines: OrderLine[];
  currency: string;
  /** What each vendor charges to ship its part to the address, minor units (quoted before anything is held). */
  shipping: Record<string, number>;
  shippingAddress: ShippingAddress;
  paymentWindowSeconds: number;
  traceId: string;
}

export type PlaceResult = { ok: true; order: OrderView } | { ok: false; reason: "out_of_stock"; skus: string[] };
export type Transition = { ok: true; order: OrderView } | { ok: false; reason: string };

// Holds outlive the payment window, so this object's own alarm releases them first; the
// Inventory expiry is only the backstop for an order object that never wakes up.
const HOLD_GRACE_SECONDS = 120;
const OUTBOX_RETRY_MS = 5_000;

/**
 * One order: the checkout saga and the order's lifecycle. Steps that call other
 * Workers run inside blockConcurrencyWhile, so no other call sees a half-done
 * step. Every transition is a guarded method; every change bumps `version` and
 * is published as `order.updated` from this object's own outbox (flushed right
 * away, and by alarm until the queue takes it).
 */
export class Order extends DurableObject<OrderEnv> {
  private catalog() {
    return rpc<CatalogRpc>(this.env.CATALOG);
  }

  async get(): Promise<PlacedOrder | null> {
    const state = await this.load();
    return state ? { userId: state.userId, order: state.order, rejected: state.rejected } : null;
  }

  /** Reserve every line's stock, all or nothing, then await payment. Idempotent: a second call returns the first outcome. */
  place(input: PlaceInput): Promise<PlaceResult> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const existing = await this.load();
      if (existing)
        return existing.rejected
          ? { ok: false, reason: "out_of_stock", skus: [] }
          : { ok: true, order: existing.order };
      const holds = input.lines.map((line) => ({
        sku: line.sku,
        holdId: `${input.orderId}:${line.sku}`,
        qty: line.qty,
        state: "held" as LineHoldState,
      }));
      const ttl = input.paymentWindowSeconds + HOLD_GRACE_SECONDS;
      const results = await Promise.all(
        holds.map((h) =>
          this.catalog()
            .reserve(h.sku, h.holdId, h.qty, ttl)
            .catch(() => null),
        ),
      );
      const now = new Date();
      const shippingByVendor = shippingOf(input.lines, input.shipping);
      const shipping = Object.values(shippingByVendor).reduce((sum, amount) => sum + amount, 0);
      const order: OrderView = {
        id: input.orderId,
        status: "awaiting_payment",
        currency: input.currency,
        shipping,
        total: input.lines.reduce((sum, line) => sum + line.lineTotal, 0) + shipping,
        lines: input.lines,
        subOrders: [],
        shippingAddress: input.shippingAddress,
        paymentDeadline: new Date(now.getTime() + input.paymentWindowSeconds * 1000).toISOString(),
        refund: null,
        history: [{ status: "awaiting_payment", at: now.toISOString(), note: null }],
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      const failed = holds.filter((_, i) => !results[i]?.ok).map((h) => h.sku);
      if (failed.length > 0) {
        // Compensate: give back every hold, including ones whose answer was lost on the way.
        await Promise.all(
          holds.map((h) =>
            this.catalog()
              .release(h.sku, h.holdId)
              .catch(() => null),
          ),
        );
        await this.save(
          {
            userId: input.userId,
            version: 1,
            rejected: true,
            order: { ...order, status: "cancelled" },
            holds: [],
            paymentId: null,
            refundIds: [],
            deadline: null,
            traceId: input.traceId,
          },
          false,
        );
        return { ok: false, reason: "out_of_stock", skus: failed };
      }
      const state: State = {
        userId: input.userId,
        version: 1,
        rejected: false,
        order,
        holds,
        paymentId: null,
        refundIds: [],
        deadline: now.getTime() + input.paymentWindowSeconds * 1000,
        traceId: input.traceId,
        shippingByVendor,
        shipmentVersions: {},
      };
      await this.save(state, true);
      return { ok: true, order };
    });
  }

  /** payment.succeeded: only an order awaiting payment becomes paid; a cancelled one is refunded instead. */
  markPaid(paymentId: string, amount: number, currency: string): Promise<Transition> {
    return this.transition(async (state) => {
      const { order } = state;
      if (order.status === "cancelled") {
        if (!order.refund) this.requestRefund(state, amount, "paid after the order was cancelled");
        return "changed";
      }
      if (order.status !== "awaiting_payment") return state.paymentId === paymentId ? "unchanged" : "refused";
      if (amount !== order.total || currency !== order.currency) {
        await this.releaseHolds(state);
        this.setStatus(state, "cancelled", "payment did not match the order total");
        this.requestRefund(state, amount, "payment did not match the order total");
        return "changed";
      }
      const commits = await Promise.all(state.holds.map((h) => this.catalog().commit(h.sku, h.holdId)));
      commits.forEach((result, i) => {
        const hold = state.holds[i];
        if (hold && result.ok) hold.state = "committed";
      });
      if (commits.some((result) => !result.ok)) {
        // Compensate: what was already sold goes back to stock, the rest of the holds are released.
        await this.returnCommitted(state);
        await this.releaseHolds(state);
        this.setStatus(state, "cancelled", "stock holds lapsed before payment");
        this.requestRefund(state, amount, "stock holds lapsed before payment");
        return "changed";
      }
      state.paymentId = paymentId;
      state.deadline = null;
      order.subOrders = splitByVendor(order.lines, state.shippingByVendor ?? {});
      this.setStatus(state, "paid", null);
      return "changed";
    });
  }

  /** payment.failed or the window lapsed: stock returns and the order is cancelled. */
  markFailed(reason: string): Promise<Transition> {
    return this.transition(async (state) => {
      if (state.order.status !== "awaiting_payment") return "unchanged";
      await this.releaseHolds(state);
      this.setStatus(state, "cancelled", reason);
      return "changed";
    });
  }

  /** The shopper cancels: allowed until a sub-order ships. A paid order's stock is restored and a refund requested. */
  cancel(): Promise<Transition> {
    return this.transition(async (state) => {
      const { order } = state;
      if (order.status === "cancelled") return "unchanged";
      if (order.status === "awaiting_payment") {
        await this.releaseHolds(state);
        this.setStatus(state, "cancelled", "cancelled by the shopper");
        return "changed";
      }
      if (order.status !== "paid" || order.subOrders.some((s) => s.status === "shipped" || s.status === "delivered"))
        return "refused";
      await this.returnCommitted(state);
      for (const sub of order.subOrders) sub.status = "cancelled";
      this.setStatus(state, "cancelled", "cancelled by the shopper");
      this.requestRefund(state, order.total, "cancelled by the shopper");
      return "changed";
    });
  }

  accept(subOrderId: string, vendorId: string): Promise<Transition> {
    return this.transition(async (state) => {
      const sub = state.order.subOrders.find((s) => s.id === subOrderId && s.vendorId === vendorId);
      if (!sub || state.order.status !== "paid") return "refused";
      if (sub.status === "accepted") return "unchanged";
      if (sub.status !== "pending") return "refused";
      sub.status = "accepted";
      this.note(state, `sub-order ${sub.id} accepted`);
      return "changed";
    });
  }

  ship(subOrderId: string, vendorId: string, carrier: string, trackingNumber: string): Promise<Transition> {
    return this.transition(async (state) => {
      const sub = state.order.subOrders.find((s) => s.id === subOrderId && s.vendorId === vendorId);
      if (sub?.status !== "accepted") return "refused";
      Object.assign(sub, { status: "shipped", carrier, trackingNumber });
      if (state.order.subOrders.every((s) => s.status === "shipped" || s.status === "delivered"))
        this.setStatus(state, "fulfilled", null);
      else this.note(state, `sub-order ${sub.id} shipped`);
      return "changed";
    });
  }

  /**
   * shipment.updated: a sub-order's shipment as of `shipmentVersion`. Only a newer
   * version than the last one seen counts; a delivered shipment marks its shipped
   * sub-order delivered, and once every sub-order still standing (not cancelled
   * or refunded) is delivered the order is completed.
   */
  markShipment(
    subOrderId: string,
    vendorId: string,
    shipmentVersion: number,
    shipmentStatus: string,
  ): Promise<Transition> {
    return this.transition(async (state) => {
      const sub = state.order.subOrders.find((s) => s.id === subOrderId && s.vendorId === vendorId);
      if (!sub) return "refused";
      const versions = state.shipmentVersions ?? {};
      if (shipmentVersion <= (versions[sub.id] ?? 0)) return "unchanged";
      // Delivered before the order knew it shipped: not taken (nor its version), so a replay can still apply it.
      if (shipmentStatus === "delivered" && (sub.status === "pending" || sub.status === "accepted")) return "refused";
      state.shipmentVersions = { ...versions, [sub.id]: shipmentVersion };
      if (shipmentStatus !== "delivered" || sub.status !== "shipped") return "recorded";
      sub.status = "delivered";
      this.note(state, `sub-order ${sub.id} delivered`);
      const standing = state.order.subOrders.filter((s) => s.status !== "cancelled" && s.status !== "refunded");
      if (standing.every((s) => s.status === "delivered"))
        this.setStatus(state, "completed", "every sub-order delivered");
      return "changed";
    });
  }

  /**
   * refund.succeeded: money went back, for one sub-order (subOrderId) or the whole
   * payment. A fully refunded sub-order is `refunded`; when every sub-order is, or
   * the order's requested refund is complete, the order is `refunded`.
   */
  markRefunded(refundId: string, subOrderId: string | null, amount: number): Promise<Transition> {
    return this.transition(async (state) => {
      const { order } = state;
      if (state.refundIds.includes(refundId)) return "unchanged";
      state.refundIds.push(refundId);
      const sub = subOrderId ? order.subOrders.find((s) => s.id === subOrderId) : undefined;
      if (sub) {
        // payments never refunds more than was paid; the cap keeps the view sane should it ever.
        sub.refunded = Math.min(sub.total, sub.refunded + amount);
        if (sub.refunded >= sub.total) sub.status = "refunded";
      }
      const refunded = sub ? order.subOrders.reduce((sum, s) => sum + s.refunded, 0) : amount;
      const whole =
        order.subOrders.length > 0
          ? order.subOrders.every((s) => s.status === "refunded")
          : refunded >= (order.refund?.amount ?? Infinity);
      if (order.refund && refunded >= order.refund.amount) order.refund.status = "done";
      if (whole) this.setStatus(state, "refunded", null);
      else this.note(state, `refunded ${amount}`);
      return "changed";
    });
  }

  /** refund.refused: the refund this order asked for will not happen (a disputed payment, or Stripe said no). */
  markRefundRefused(reason: string): Promise<Transition> {
    return this.transition(async (state) => {
      const { refund } = state.order;
      if (refund?.status !== "requested") return "unchanged";
      refund.status = "refused";
      this.note(state, `refund refused: ${reason}`);
      return "changed";
    });
  }

  /** The payment window and the outbox share one alarm. */
  override async alarm(): Promise<void> {
    const state = await this.load();
    if (state?.deadline && state.order.status === "awaiting_payment" && Date.now() >= state.deadline) {
      await this.markFailed("payment window expired");
    }
    await this.flush();
    await this.scheduleAlarm();
  }

  /** A step's outcome: `recorded` keeps a change no one sees (no new version, no event). */
  private async transition(
    step: (state: State) => Promise<"changed" | "recorded" | "unchanged" | "refused">,
  ): Promise<Transition> {
    return this.ctx.blockConcurrencyWhile(async () => {
      const state = await this.load();
      if (!state || state.rejected) return { ok: false, reason: "no_such_order" };
      const outcome = await step(state);
      if (outcome === "refused") return { ok: false, reason: `not allowed while ${state.order.status}` };
      if (outcome === "changed") {
        state.version += 1;
        state.order.updatedAt = new Date().toISOString();
        await this.save(state, true);
      }
      if (outcome === "recorded") await this.save(state, false);
      return { ok: true, order: state.order };
    });
  }

  private async releaseHolds(state: State): Promise<void> {
    await Promise.all(
      state.holds.filter((h) => h.state === "held").map((h) => this.catalog().release(h.sku, h.holdId)),
    );
    for (const h of state.holds) if (h.state === "held") h.state = "released";
    state.deadline = null;
  }

  private async returnCommitted(state: State): Promise<void> {
    const sold = state.holds.filter((h) => h.state === "committed");
    await Promise.all(sold.map((h) => this.catalog().restock(h.sku, h.holdId)));
    for (const h of sold) h.state = "returned";
  }

  private setStatus(state: State, status: OrderView["status"], note: string | null): void {
    state.order.status = status;
    state.order.history.push({ status, at: new Date().toISOString(), note });
  }

  private note(state: State, note: string): void {
    state.order.history.push({ status: state.order.status, at: new Date().toISOString(), note });
  }

  /** Refunds are carried out by payments, from the order.updated event that carries the request. */
  private requestRefund(state: State, amount: number, reason: string): void {
    state.order.refund = { amount, reason, status: "requested" };
  }

  private async load(): Promise<State | undefined> {
    return this.ctx.storage.get<State>("state");
  }

  /** Saves the state and, when it changed visibly, its event in the same atomic put. */
  private async save(state: State, publish: boolean): Promise<void> {
    const entries: Record<string, unknown> = { state };
    if (publish) {
      const event = buildEvent(
        OrderUpdated,
        { version: state.version, userId: state.userId, order: state.order },
        { source: "orders", traceId: state.traceId },
      );
      entries[`outbox:${String(state.version).padStart(8, "0")}`] = event;
    }
    // The retry alarm is armed in the same atomic write as the event, so a crash before the flush still publishes it.
    await Promise.all([
      this.ctx.storage.put(entries),
      publish ? this.ctx.storage.setAlarm(Date.now() + OUTBOX_RETRY_MS) : undefined,
    ]);
    if (publish) this.ctx.waitUntil(this.flush().then(() => this.scheduleAlarm()));
    else await this.scheduleAlarm();
  }

  private async flush(): Promise<void> {
    const pending = await this.ctx.storage.list<EventEnvelope>({ prefix: "outbox:" });
    for (const [key, event] of pending) {
      try {
        await sendToInboxes(this.env, event);
        await this.ctx.storage.delete(key);
      } catch (error) {
        log("error", workerName(), { msg: "order outbox publish failed", key, error: String(error) });
        return;
      }
    }
  }

  private async scheduleAlarm(): Promise<void> {
    const state = await this.load();
    const pending = (await this.ctx.storage.list({ prefix: "outbox:", limit: 1 })).size > 0;
    const times = [
      state?.order.status === "awaiting_payment" ? state.deadline : null,
      pending ? Date.now() + OUTBOX_RETRY_MS : null,
    ];
    const next = times.filter((t): t is number => t !== null).sort((a, b) => a - b)[0];
    if (next !== undefined) await this.ctx.storage.setAlarm(next);
  }
}

/** Each vendor of the lines with its shipping (0 when none was quoted). */
function shippingOf(lines: OrderLine[], quoted: Record<string, number>): Record<string, number> {
  return Object.fromEntries(lines.map((line) => [line.vendorId, quoted[line.vendorId] ?? 0]));
}

/** One sub-order per vendor, in the order the vendors first appear in the cart: its lines plus its shipping. */
function splitByVendor(lines: OrderLine[], shippingByVendor: Record<string, number>): SubOrder[] {
  const byVendor = new Map<string, OrderLine[]>();
  for (const line of lines) byVendor.set(line.vendorId, [...(byVendor.get(line.vendorId) ?? []), line]);
  return [...byVendor].map(([vendorId, vendorLines]) => ({
    id: newId("subOrder"),
    vendorId,
    status: "pending",
    lines: vendorLines,
    shipping: shippingByVendor[vendorId] ?? 0,
    total: vendorLines.reduce((sum, line) => sum + line.lineTotal, 0) + (shippingByVendor[vendorId] ?? 0),
    refunded: 0,
    carrier: null,
    trackingNumber: null,
  }));
}
