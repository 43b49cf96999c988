import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { CartItem } from "#do/cart.ts";
import type { PlacedOrder, PlaceResult } from "#do/order.ts";
import type { Order, OrderLine, ShippingAddress } from "#lib/contracts/api/orders.ts";
import type { PaymentInfo } from "#lib/contracts/api/payments.ts";
import { newId } from "#lib/contracts/ids.ts";
import { MINIMUM_CHARGE } from "#lib/contracts/money.ts";
import { type CatalogRpc, type PaymentsRpc, rpc, type ShippingParcel } from "#lib/contracts/rpc.ts";
import { sha256Hex } from "#lib/crypto.ts";
import { log } from "#lib/http/log.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { idempotencyKeys } from "../db/schema.ts";
import { cartStub, shippableLine } from "./cart.ts";
import { describeRefusals, parcelsOf, quoteShipping } from "./shipping.ts";

export interface CheckoutInput {
  userId: string;
  idempotencyKey: string;
  body: { shippingAddress: ShippingAddress; paymentMethod?: string };
  traceId: string;
}

/**
 * Cart → order. The same Idempotency-Key with the same body answers with the
 * same order; with another body it is refused (422). Prices come from the catalog
 * now, never from the client; stock is held by the Order Durable Object's saga.
 */
export async function placeOrder(
  db: DrizzleD1Database,
  env: Env,
  input: CheckoutInput,
): Promise<{ order: Order; payment: PaymentInfo | null }> {
  const order = await holdStock(db, env, input);
  return { order, payment: order.status === "awaiting_payment" ? await paymentFor(env, input, order) : null };
}

/**
 * The saga's payment step: the order's PaymentIntent (made once per order by
 * payments). If payments cannot be reached the order still awaits payment; the
 * same checkout retried with its Idempotency-Key asks again.
 */
async function paymentFor(env: Env, input: CheckoutInput, order: Order): Promise<PaymentInfo | null> {
  try {
    return await rpc<PaymentsRpc>(env.PAYMENTS).createIntent({
      orderId: order.id,
      userId: input.userId,
      amount: order.total,
      currency: order.currency,
      paymentMethod: input.body.paymentMethod,
    });
  } catch (error) {
    log("error", "orders", {
      msg: "payment intent not created",
      orderId: order.id,
      error: String(error),
      traceId: input.traceId,
    });
    return null;
  }
}

/** How long a checkout may hold the cart's lock; one that dies lets go after this. */
const CART_LOCK_MS = 30_000;

async function holdStock(db: DrizzleD1Database, env: Env, input: CheckoutInput): Promise<Order> {
  const requestHash = await sha256Hex(JSON.stringify(input.body));
  const replay = await existingOrder(db, env, input, requestHash);
  if (replay) return replay;

  // One cart, one order at a time: concurrent checkouts of it (whatever their keys) wait for this one.
  const cart = cartStub(env.CART, `user:${input.userId}`);
  const orderId = newId("order");
  const lock = await cart.beginCheckout(orderId, CART_LOCK_MS);
  if (!lock.ok) {
    throw new ProblemError(409, "This cart is being checked out by another request; retry shortly.", {
      type: "cart-checkout-in-progress",
      headers: { "retry-after": String(Math.ceil(lock.retryAfterMs / 1000)) },
    });
  }
  let completed = false;
  try {
    if (lock.lapsed) await finishLapsedCheckout(env, cart, lock.lapsed);
    const { lines, currency, shipping } = await orderLines(env, await cart.items(), input.body.shippingAddress.country);
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ userId: input.userId, key: input.idempotencyKey, requestHash, orderId, createdAt: Date.now() })
      .onConflictDoNothing();
    if (claimed.meta.changes !== 1) {
      // Another request with this key got here first.
      const raced = await existingOrder(db, env, input, requestHash);
      if (raced) return raced;
      throw new ProblemError(409, "A checkout with this Idempotency-Key is in progress; retry shortly.", {
        type: "idempotency-key-in-progress",
        headers: { "retry-after": "1" },
      });
    }
    const result: PlaceResult = await env.ORDER.get(env.ORDER.idFromName(orderId)).place({
      orderId,
      userId: input.userId,
      lines,
      currency,
      shipping,
      shippingAddress: input.body.shippingAddress,
      paymentWindowSeconds: Number(env.PAYMENT_WINDOW_SECONDS),
      traceId: input.traceId,
    });
    if (!result.ok)
      throw new ProblemError(409, `Out of stock: ${result.skus.join(", ")}. Nothing was held.`, {
        type: "out-of-stock",
      });
    await cart.completeCheckout(
      orderId,
      lines.map((line) => line.sku),
    );
    completed = true;
    return result.order;
  } finally {
    // completeCheckout lifted the lock itself; any other way out lifts it here.
    if (!completed) await cart.abortCheckout(orderId);
  }
}

/**
 * The cart's lines priced now, as an order's lines, and each vendor's shipping to
 * the country: every line buyable, one currency, every vendor shipping there, a
 * total (goods and shipping) Stripe can charge. Nothing is held yet.
 */
async function orderLines(
  env: Env,
  items: CartItem[],
  country: string,
): Promise<{ lines: OrderLine[]; currency: string; shipping: Record<string, number> }> {
  if (items.length === 0) throw new ProblemError(409, "The cart is empty.", { type: "cart-empty" });
  const quotes = await rpc<CatalogRpc>(env.CATALOG).quote(items);
  const unbuyable = quotes.filter((q) => q.status !== "ok").map((q) => `${q.sku} (${q.status})`);
  if (unbuyable.length)
    throw new ProblemError(409, `Some lines cannot be bought: ${unbuyable.join(", ")}.`, {
      type: "out-of-stock",
    });
  const priced = quotes.flatMap((q) => (q.status === "ok" ? [q] : []));
  const lines: OrderLine[] = priced.map((q) => ({
    sku: q.sku,
    productId: q.productId,
    vendorId: q.vendorId,
    title: q.title,
    attributes: q.attributes,
    qty: q.qty,
    unitPrice: q.unitPrice,
    lineTotal: q.unitPrice * q.qty,
  }));
  const currencies = [...new Set(priced.map((q) => q.currency))];
  const [currency] = currencies;
  if (currencies.length !== 1 || !currency)
    throw new ProblemError(409, `An order has one currency; this cart has ${currencies.join(", ")}.`, {
      type: "cart-not-buyable",
    });
  const shipping = await shippingTo(env, country, parcelsOf(priced.map(shippableLine)));
  const goods = lines.reduce((sum, line) => sum + line.lineTotal, 0);
  const total = goods + Object.values(shipping).reduce((sum, amount) => sum + amount, 0);
  const minimum = MINIMUM_CHARGE[currency] ?? 1;
  if (total < minimum) {
    throw new ProblemError(
      409,
      `The total (${total} ${currency} minor units) is below the smallest amount that can be charged (${minimum}).`,
      {
        type: "below-minimum-charge",
      },
    );
  }
  return { lines, currency, shipping };
}

/** One quote for every vendor's parcel; any vendor that cannot ship there refuses the whole checkout. */
async function shippingTo(env: Env, country: string, parcels: ShippingParcel[]): Promise<Record<string, number>> {
  const outcome = await quoteShipping(env.SHIPPING, country, parcels).catch((error: unknown) => {
    log("error", "orders", { msg: "shipping not quoted", error: String(error) });
    throw new ProblemError(503, "Shipping cannot be quoted right now; retry shortly. Nothing was held.", {
      type: "unavailable",
      headers: { "retry-after": "2" },
    });
  });
  if (!outcome.ok)
    throw new ProblemError(
      409,
      `Cannot ship this cart: ${describeRefusals(outcome.refusals, country)}. Nothing was held.`,
      {
        type: "cannot-ship",
        members: { refusals: outcome.refusals },
      },
    );
  return outcome.byVendor;
}

/** A checkout that died holding the lock may have placed its order: if so, that order's lines leave the cart now. */
async function finishLapsedCheckout(env: Env, cart: ReturnType<typeof cartStub>, orderId: string): Promise<void> {
  const placed: PlacedOrder | null = await env.ORDER.get(env.ORDER.idFromName(orderId)).get();
  if (placed && !placed.rejected)
    await cart.completeCheckout(
      orderId,
      placed.order.lines.map((line) => line.sku),
    );
}

async function existingOrder(
  db: DrizzleD1Database,
  env: Env,
  input: CheckoutInput,
  requestHash: string,
): Promise<Order | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.idempotencyKey)));
  if (!row) return undefined;
  if (row.requestHash !== requestHash)
    throw new ProblemError(422, "This Idempotency-Key was used for a different checkout.", {
      type: "idempotency-key-reused",
    });
  const placed: PlacedOrder | null = await env.ORDER.get(env.ORDER.idFromName(row.orderId)).get();
  if (!placed)
    throw new ProblemError(409, "A checkout with this Idempotency-Key is in progress; retry shortly.", {
      type: "idempotency-key-in-progress",
      headers: { "retry-after": "1" },
    });
  if (placed.rejected)
    throw new ProblemError(409, "This checkout was refused: some stock was gone. Nothing was held.", {
      type: "out-of-stock",
    });
  return placed.order;
}
