import type { Context } from "hono";
import {
  addCartItem,
  GUEST_CART_HEADER,
  getCart,
  mergeCart,
  removeCartItem,
  setCartItem,
} from "#lib/contracts/api/orders.ts";
import { type CatalogRpc, rpc } from "#lib/contracts/rpc.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { cartOwner, cartStub, pricedCart } from "../services/cart.ts";

type Ctx = Context<{ Bindings: Env }>;

async function respond(c: Ctx, key: string, guestCartId: string | null, country: string | undefined) {
  const cart = await pricedCart(c.env, await cartStub(c.env.CART, key).items(), guestCartId, country ?? null);
  if (guestCartId) c.header(GUEST_CART_HEADER, guestCartId);
  return c.json(cart, 200);
}

/** Carts of signed-in shoppers (by account) and of guests (by the x-cart-id they were given). */
export const cartRoutes = createRoutes<Env>()
  .openapi(getCart, async (c) => {
    const owner = await cartOwner(c, false);
    const { country } = c.req.valid("query");
    if (!owner) return c.json(await pricedCart(c.env, [], null, country ?? null), 200);
    return respond(c, owner.key, owner.guestCartId, country);
  })
  .openapi(addCartItem, async (c) => {
    const owner = await cartOwner(c, true);
    if (!owner) throw new ProblemError(400, "No cart.");
    const { sku, qty } = c.req.valid("json");
    const [quote] = await rpc<CatalogRpc>(c.env.CATALOG).quote([{ sku, qty }]);
    if (!quote || quote.status === "unknown_sku" || quote.status === "not_on_sale")
      throw new ProblemError(404, "No such product on sale.");
    if (!(await cartStub(c.env.CART, owner.key).add(sku, qty)))
      throw new ProblemError(409, "The cart is full; remove a line first.", { type: "limit-reached" });
    return respond(c, owner.key, owner.guestCartId, c.req.valid("query").country);
  })
  .openapi(setCartItem, async (c) => {
    const owner = await cartOwner(c, false);
    const { sku } = c.req.valid("param");
    if (!owner || !(await cartStub(c.env.CART, owner.key).set(sku, c.req.valid("json").qty)))
      throw new ProblemError(404, "That SKU is not in the cart.");
    return respond(c, owner.key, owner.guestCartId, c.req.valid("query").country);
  })
  .openapi(removeCartItem, async (c) => {
    const owner = await cartOwner(c, false);
    const { country } = c.req.valid("query");
    if (!owner) return c.json(await pricedCart(c.env, [], null, country ?? null), 200);
    await cartStub(c.env.CART, owner.key).remove(c.req.valid("param").sku);
    return respond(c, owner.key, owner.guestCartId, country);
  })
  .openapi(mergeCart, async (c) => {
    const key = `user:${requireActor(c).sub}`;
    // Ids the server never issued name no cart (and have no lines to merge).
    const guest = cartStub(c.env.CART, `guest:${c.req.valid("json").cartId}`);
    const items = await guest.items();
    await cartStub(c.env.CART, key).merge(items);
    await guest.clear();
    return respond(c, key, null, c.req.valid("query").country);
  });
