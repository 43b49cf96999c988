import { z } from "@hono/zod-openapi";
import { COUNTRY_CODES } from "#lib/contracts/countries.ts";
import { PaymentInfo } from "./payments.ts";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";
import { AddressInput } from "./users.ts";

export const OrderStatus = z.enum(["awaiting_payment", "paid", "fulfilled", "completed", "cancelled", "refunded"]);
export type OrderStatus = z.infer<typeof OrderStatus>;
export const SubOrderStatus = z.enum(["pending", "accepted", "shipped", "delivered", "cancelled", "refunded"]);
export type SubOrderStatus = z.infer<typeof SubOrderStatus>;

export const OrderLine = z
  .object({
    sku: z.string(),
    productId: z.string(),
    vendorId: z.string(),
    title: z.string(),
    attributes: z.record(z.string(), z.string()),
    qty: z.number().int(),
    unitPrice: z.number().int(),
    lineTotal: z.number().int(),
  })
  .openapi("OrderLine");
export type OrderLine = z.infer<typeof OrderLine>;

export const SubOrder = z
  .object({
    id: z.string(),
    vendorId: z.string(),
    status: SubOrderStatus,
    lines: z.array(OrderLine),
    shipping: z.number().int().openapi({ description: "What the vendor charges to ship this sub-order, minor units" }),
    total: z.number().int().openapi({ description: "Lines plus shipping, minor units" }),
    refunded: z.number().int().openapi({ description: "Refunded so far, minor units" }),
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
  })
  .openapi("SubOrder");
export type SubOrder = z.infer<typeof SubOrder>;

export const ShippingAddress = AddressInput;
export type ShippingAddress = z.infer<typeof ShippingAddress>;

export const Order = z
  .object({
    id: z.string(),
    status: OrderStatus,
    currency: z.string(),
    shipping: z.number().int().openapi({ description: "Every vendor's shipping, minor units" }),
    total: z.number().int().openapi({ description: "Lines plus shipping: what the shopper pays, minor units" }),
    lines: z.array(OrderLine),
    subOrders: z.array(SubOrder),
    shippingAddress: ShippingAddress,
    paymentDeadline: z.string().nullable(),
    refund: z
      .object({ amount: z.number().int(), reason: z.string(), status: z.enum(["requested", "done", "refused"]) })
      .nullable()
      .openapi({
        description:
          "A refund the order asked for; refused when the payment is disputed or Stripe said no (the reason says which)",
      }),
    history: z.array(z.object({ status: z.string(), at: z.string(), note: z.string().nullable() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Order");
export type Order = z.infer<typeof Order>;

export const CartLine = z
  .object({
    sku: z.string(),
    qty: z.number().int(),
    status: z.enum(["ok", "insufficient_stock", "not_on_sale", "unknown_sku"]),
    productId: z.string().nullable(),
    vendorId: z.string().nullable(),
    title: z.string().nullable(),
    unitPrice: z.number().int().nullable(),
    currency: z.string().nullable(),
    lineTotal: z.number().int().nullable(),
    available: z.number().int().nullable(),
  })
  .openapi("CartLine");
export type CartLine = z.infer<typeof CartLine>;

export const Cart = z
  .object({
    cartId: z.string().nullable().openapi({ description: "A guest cart's id: send it back as x-cart-id" }),
    lines: z.array(CartLine),
    vendors: z.array(
      z.object({
        vendorId: z.string(),
        subtotal: z.number().int(),
        currency: z.string(),
        shipping: z.number().int().nullable().openapi({
          description: "What the vendor charges to ship to `country`; null without a country or if it cannot",
        }),
      }),
    ),
    country: z.string().nullable().openapi({ description: "The destination shipping was quoted for (`?country=`)" }),
    subtotal: z.number().int().openapi({ description: "The goods that can be bought, minor units" }),
    shipping: z.number().int().nullable().openapi({
      description: "Every vendor's shipping to `country`; null without a country or if a vendor cannot ship",
    }),
    total: z.number().int().openapi({ description: "Goods plus shipping (goods only while shipping is null)" }),
    currency: z.string().nullable(),
    checkoutable: z.boolean(),
    problems: z.array(z.string()),
  })
  .openapi("Cart");
export type Cart = z.infer<typeof Cart>;

export const GUEST_CART_HEADER = "x-cart-id";
const GuestCartHeader = z.object({
  [GUEST_CART_HEADER]: z
    .string()
    .regex(/^gct_[0-9a-f]{32}$/)
    .optional()
    .openapi({ description: "A guest's cart id (signed-in shoppers use their own cart)" }),
});
const CartQuery = z.object({
  country: z
    .string()
    .transform((code) => code.toUpperCase())
    .refine((code) => COUNTRY_CODES.has(code), "Use an ISO 3166-1 alpha-2 country code, such as DE.")
    .optional()
    .openapi({ description: "Quote each vendor's shipping to this country (ISO 3166-1 alpha-2)", example: "DE" }),
});
const SkuParam = z.object({ sku: z.string().min(1).max(64) });
const Qty = z.number().int().min(1).max(99);

export const getCart = apiRoute({
  method: "get",
  path: "/api/v1/cart",
  "x-access": "anonymous",
  summary: "The cart, priced now, with lines that cannot be bought flagged",
  operationId: "getCart",
  description:
    "Answers the caller's cart (or a guest's, by `x-cart-id`) priced now, with each line that cannot be bought flagged. With `?country=` (on every cart route) each vendor's shipping there is quoted and added to `total`; a vendor that cannot ship there makes the cart not checkoutable.",
  request: { headers: GuestCartHeader, query: CartQuery },
  responses: { 200: jsonResponse(Cart, "The cart") },
});

export const addCartItem = apiRoute({
  method: "post",
  path: "/api/v1/cart/items",
  "x-access": "anonymous",
  summary: "Add units of a SKU (a guest without a cart id gets a new cart)",
  operationId: "addCartItem",
  description:
    "Adds units of a SKU on sale to the cart. A guest without a cart id gets a new cart; its id comes back in `x-cart-id`. A cart holds a bounded number of lines (`limit-reached`).",
  request: {
    headers: GuestCartHeader,
    query: CartQuery,
    ...jsonBody(z.strictObject({ sku: z.string().min(1).max(64), qty: Qty })),
  },
  responses: {
    200: jsonResponse(Cart, "The cart"),
    404: { description: "No such SKU on sale" },
    409: problems("Too many lines", "limit-reached"),
  },
});

export const setCartItem = apiRoute({
  method: "patch",
  path: "/api/v1/cart/items/{sku}",
  "x-access": "anonymous",
  summary: "Set a line's quantity",
  operationId: "setCartItemQuantity",
  description: "Sets the quantity of a line already in the cart.",
  request: { headers: GuestCartHeader, query: CartQuery, params: SkuParam, ...jsonBody(z.strictObject({ qty: Qty })) },
  responses: { 200: jsonResponse(Cart, "The cart"), 404: { description: "Not in the cart" } },
});

export const removeCartItem = apiRoute({
  method: "delete",
  path: "/api/v1/cart/items/{sku}",
  "x-access": "anonymous",
  summary: "Remove a line",
  operationId: "removeCartItem",
  description: "Removes a line from the cart; removing an absent line changes nothing.",
  request: { headers: GuestCartHeader, query: CartQuery, params: SkuParam },
  responses: { 200: jsonResponse(Cart, "The cart") },
});

export const mergeCart = apiRoute({
  method: "post",
  path: "/api/v1/cart/merge",
  "x-access": "customer",
  summary: "Move a guest cart into the signed-in shopper's cart (call right after login)",
  operationId: "mergeCart",
  description:
    "Moves a guest cart's lines into the signed-in shopper's cart, adding quantities; call it right after `login`.",
  request: { query: CartQuery, ...jsonBody(z.strictObject({ cartId: z.string().regex(/^gct_[0-9a-f]{32}$/) })) },
  responses: { 200: jsonResponse(Cart, "The merged cart") },
});

export const checkout = apiRoute({
  method: "post",
  path: "/api/v1/checkout",
  "x-access": "customer",
  summary: "Turn the cart into an order: prices checked, stock held, payment awaited",
  operationId: "createCheckout",
  description:
    "Turns the cart into an order: prices are checked, stock is held and a payment intent is created. Requires an `Idempotency-Key`: the same key answers the same order. Shipping to `shippingAddress.country` is quoted per vendor before any stock is held and added to the total. Refusals a client branches on: `cart-empty`, `cart-not-buyable`, `out-of-stock`, `cannot-ship`, `below-minimum-charge`, `cart-checkout-in-progress`, `idempotency-key-in-progress`, `idempotency-key-reused`.",
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(8)
        .max(100)
        .openapi({ description: "Required: the same key returns the same order" }),
    }),
    ...jsonBody(z.strictObject({ shippingAddress: ShippingAddress, paymentMethod: z.string().max(100).optional() })),
  },
  responses: {
    201: jsonResponse(
      z.object({ order: Order, payment: PaymentInfo.nullable() }),
      "The order, awaiting payment (payment is null if payments could not be reached: retry with the same key)",
    ),
    409: problems(
      "Cart empty, lines that cannot be bought, mixed currencies, a vendor that cannot ship to the address (the problem names it), below the minimum charge, some stock is gone (the problem lists the SKUs), or the same cart or key in progress",
      "cart-empty",
      "cart-not-buyable",
      "out-of-stock",
      "cannot-ship",
      "below-minimum-charge",
      "cart-checkout-in-progress",
      "idempotency-key-in-progress",
    ),
    422: problems("The Idempotency-Key was used with a different request", "idempotency-key-reused"),
  },
});

export const listOrders = apiRoute({
  method: "get",
  path: "/api/v1/orders",
  "x-access": "customer",
  summary: "The caller's orders, newest first",
  operationId: "listOrders",
  description: "Lists the caller's orders, newest first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(Page(Order), "A page of orders") },
});

export const getOrder = apiRoute({
  method: "get",
  path: "/api/v1/orders/{id}",
  "x-access": "customer",
  summary: "One of the caller's orders, read from its owner (always current)",
  operationId: "getOrder",
  description:
    "Answers one of the caller's orders, read from the object that owns it, so it is always current; another user's order is a 404.",
  request: { params: IdParam },
  responses: { 200: jsonResponse(Order, "The order"), 404: { description: "No such order of the caller's" } },
});

export const cancelOrder = apiRoute({
  method: "post",
  path: "/api/v1/orders/{id}/cancel",
  "x-access": "customer",
  summary: "Cancel before anything ships: stock returns and a paid order is refunded",
  operationId: "cancelOrder",
  description:
    "Cancels an order before anything ships: held stock returns and a paid order is refunded. Too late is `order-not-cancellable`.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(Order, "The cancelled order"),
    404: { description: "No such order" },
    409: problems("Something already shipped", "order-not-cancellable"),
  },
});

export const VendorOrder = SubOrder.extend({
  orderId: z.string(),
  shippingAddress: ShippingAddress,
  createdAt: z.string(),
}).openapi("VendorOrder");

export const listVendorOrders = apiRoute({
  method: "get",
  path: "/api/v1/vendor/orders",
  "x-access": "vendor",
  summary: "The store's sub-orders, newest first",
  operationId: "listVendorOrders",
  description: "Lists the caller's store's sub-orders, optionally of one status, newest first.",
  request: { query: PageQuery.extend({ status: SubOrderStatus.optional() }) },
  responses: { 200: jsonResponse(Page(VendorOrder), "A page of sub-orders") },
});

export const acceptVendorOrder = apiRoute({
  method: "post",
  path: "/api/v1/vendor/orders/{id}/accept",
  "x-access": "vendor",
  summary: "Accept a sub-order",
  operationId: "acceptVendorOrder",
  description:
    "Accepts a pending sub-order of the caller's store; from any other status it is `sub-order-transition-refused`.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(VendorOrder, "The sub-order"),
    404: { description: "Not a sub-order of this store" },
    409: problems("Not pending", "sub-order-transition-refused"),
  },
});

export const shipVendorOrder = apiRoute({
  method: "post",
  path: "/api/v1/vendor/orders/{id}/ship",
  "x-access": "vendor",
  summary: "Mark a sub-order shipped",
  operationId: "shipVendorOrder",
  description:
    "Marks an accepted sub-order shipped with its carrier and tracking number; from any other status it is `sub-order-transition-refused`.",
  request: {
    params: IdParam,
    ...jsonBody(
      z.strictObject({ carrier: z.string().trim().min(2).max(40), trackingNumber: z.string().trim().min(4).max(60) }),
    ),
  },
  responses: {
    200: jsonResponse(VendorOrder, "The sub-order"),
    404: { description: "Not a sub-order of this store" },
    409: problems("Not accepted yet, or closed", "sub-order-transition-refused"),
  },
});

export const cartRoutes = [getCart, addCartItem, setCartItem, removeCartItem, mergeCart];

export const ordersRoutes = [
  checkout,
  listOrders,
  getOrder,
  cancelOrder,
  listVendorOrders,
  acceptVendorOrder,
  shipVendorOrder,
];
