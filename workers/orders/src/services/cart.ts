import type { Context } from "hono";
import type { Cart as CartDO, CartItem } from "#do/cart.ts";
import { type Cart, type CartLine, GUEST_CART_HEADER } from "#lib/contracts/api/orders.ts";
import { MINIMUM_CHARGE } from "#lib/contracts/money.ts";
import { type CatalogRpc, type QuoteLine, rpc, type ShippingParcel } from "#lib/contracts/rpc.ts";
import { describeRefusals, parcelsOf, quoteShipping, type ShippableLine } from "./shipping.ts";

const GUEST_CART_ID = /^gct_[0-9a-f]{32}$/;

/**
 * Whose cart a request works on: a signed-in shopper's own, or a guest's by the
 * id the server issued it (128 random bits, the guest's only key to it). An id
 * the server never issued names no cart; a guest without one gets a new id.
 */
export async function cartOwner(
  c: Context<{ Bindings: Env }>,
  createIfMissing: boolean,
): Promise<{ key: string; guestCartId: string | null } | null> {
  const actor = c.get("actor");
  if (actor) return { key: `user:${actor.sub}`, guestCartId: null };
  const presented = c.req.header(GUEST_CART_HEADER);
  if (presented && GUEST_CART_ID.test(presented) && (await cartStub(c.env.CART, `guest:${presented}`).isIssued())) {
    return { key: `guest:${presented}`, guestCartId: presented };
  }
  if (!createIfMissing) return null;
  const issued = `gct_${crypto.randomUUID().replaceAll("-", "")}`;
  await cartStub(c.env.CART, `guest:${issued}`).issue();
  return { key: `guest:${issued}`, guestCartId: issued };
}

export function cartStub(ns: DurableObjectNamespace<CartDO>, key: string) {
  return ns.get(ns.idFromName(key));
}

/**
 * The cart priced now: totals per vendor and overall, lines that cannot be
 * bought flagged (never dropped). With a country, each vendor's shipping there
 * is quoted and added to the total; a vendor that cannot ship there, or
 * shipping that cannot be quoted, makes the cart not checkoutable.
 */
export async function pricedCart(
  env: Pick<Env, "CATALOG" | "SHIPPING">,
  items: CartItem[],
  guestCartId: string | null,
  country: string | null = null,
): Promise<Cart> {
  const quotes = items.length ? await rpc<CatalogRpc>(env.CATALOG).quote(items) : [];
  const lines = quotes.map(toCartLine);
  const ok = lines.filter((line) => line.status === "ok");
  const currencies = [...new Set(lines.map((line) => line.currency).filter((c): c is string => c !== null))];
  const problems: string[] = [];
  if (lines.length === 0) problems.push("The cart is empty.");
  if (ok.length < lines.length) problems.push("Some lines cannot be bought as they are; change or remove them.");
  if (currencies.length > 1)
    problems.push(`The cart mixes currencies (${currencies.join(", ")}); an order has one currency.`);
  const subtotal = ok.reduce((sum, line) => sum + (line.lineTotal ?? 0), 0);
  const parcels = parcelsOf(quotes.flatMap((q) => (q.status === "ok" ? [shippableLine(q)] : [])));
  const shipping = country && currencies.length <= 1 ? await shippingOf(env.SHIPPING, country, parcels) : null;
  if (shipping && !shipping.ok) problems.push(shipping.problem);
  const byVendor = shipping?.ok ? shipping.byVendor : null;
  const shippingTotal = byVendor ? Object.values(byVendor).reduce((sum, amount) => sum + amount, 0) : null;
  const total = subtotal + (shippingTotal ?? 0);
  const [currency] = currencies;
  if (currencies.length === 1 && currency && ok.length > 0 && total < (MINIMUM_CHARGE[currency] ?? 1)) {
    problems.push(
      `The total is below the smallest amount that can be charged in ${currency} (${MINIMUM_CHARGE[currency] ?? 1} minor units).`,
    );
  }
  return {
    cartId: guestCartId,
    lines,
    vendors: parcels.map((p) => ({
      vendorId: p.vendorId,
      subtotal: p.subtotal,
      currency: p.currency,
      shipping: byVendor?.[p.vendorId] ?? null,
    })),
    country,
    subtotal,
    shipping: shippingTotal,
    total,
    currency: currencies.length === 1 ? (currencies[0] ?? null) : null,
    checkoutable: problems.length === 0,
    problems,
  };
}

/** A cart is only looked at: shipping that cannot be quoted now is a problem to show, not an error. */
async function shippingOf(
  shipping: Fetcher,
  country: string,
  parcels: ShippingParcel[],
): Promise<{ ok: true; byVendor: Record<string, number> } | { ok: false; problem: string }> {
  try {
    const outcome = await quoteShipping(shipping, country, parcels);
    if (outcome.ok) return outcome;
    return { ok: false, problem: `Cannot ship everything: ${describeRefusals(outcome.refusals, country)}.` };
  } catch {
    return { ok: false, problem: "Shipping cannot be quoted right now; try again shortly." };
  }
}

export function shippableLine(quote: Exclude<QuoteLine, { status: "unknown_sku" }>): ShippableLine {
  return {
    vendorId: quote.vendorId,
    currency: quote.currency,
    lineTotal: quote.unitPrice * quote.qty,
    unitWeightGrams: quote.weightGrams,
    qty: quote.qty,
  };
}

function toCartLine(quote: QuoteLine): CartLine {
  if (quote.status === "unknown_sku") {
    return {
      sku: quote.sku,
      qty: quote.qty,
      status: quote.status,
      productId: null,
      vendorId: null,
      title: null,
      unitPrice: null,
      currency: null,
      lineTotal: null,
      available: null,
    };
  }
  return {
    sku: quote.sku,
    qty: quote.qty,
    status: quote.status,
    productId: quote.productId,
    vendorId: quote.vendorId,
    title: quote.title,
    unitPrice: quote.unitPrice,
    currency: quote.currency,
    lineTotal: quote.unitPrice * quote.qty,
    available: quote.available,
  };
}
