import { authRoutes } from "./auth.ts";
import { catalogRoutes } from "./catalog.ts";
import { DEAD_LETTER_API } from "./dead-letters.ts";
import { notificationsRoutes } from "./notifications.ts";
import { cartRoutes, ordersRoutes } from "./orders.ts";
import { paymentsRoutes } from "./payments.ts";
import { reviewsRoutes } from "./reviews.ts";
import type { ApiRoute, Service } from "./route.ts";
import { shippingRoutes } from "./shipping.ts";
import { usersRoutes } from "./users.ts";
import { vendorWebhookRoutes } from "./vendor-webhooks.ts";
import { vendorsRoutes } from "./vendors.ts";

/** The OpenAPI tags, one per group of routes below: generated clients make one class of each. */
export const API_TAGS = {
  auth: "Accounts and tokens: register, sign in, rotate and revoke refresh tokens.",
  me: "The signed-in user's own profile and addresses.",
  vendors: "Stores: applying to sell, the store's profile and staff, and administrators' decisions.",
  catalog: "Categories, product search and pages, and each store's products, images and stock.",
  cart: "The shopping cart, for guests (by `x-cart-id`) and signed-in shoppers.",
  orders: "Checkout, shoppers' orders and stores' sub-orders.",
  payments: "Payouts to stores, refunds and Stripe's webhook.",
  notifications: "The signed-in user's in-app notifications and which optional ones they get.",
  webhooks: "Signed webhooks to a store's own URLs: its endpoints, their secrets and the delivery log.",
  shipping: "Stores' shipping profiles and shipments, shoppers' parcel tracking and carriers' webhook.",
  reviews: "Shoppers' reviews of products they received, stores' answers, reports and moderation.",
  "dead-letters": "Administrators' view of events a domain gave up on, and their replay.",
} as const;
export type ApiTag = keyof typeof API_TAGS;

/**
 * Every public route, the Worker that serves it and its tag: the gateway's
 * routing table, the access policy table and the OpenAPI document all come
 * from this list. A new domain adds its routes here.
 */
export const PUBLIC_API: ReadonlyArray<{ service: Service; tag: ApiTag; routes: readonly ApiRoute[] }> = [
  { service: "AUTH", tag: "auth", routes: authRoutes },
  { service: "USERS", tag: "me", routes: usersRoutes },
  { service: "VENDORS", tag: "vendors", routes: vendorsRoutes },
  { service: "CATALOG", tag: "catalog", routes: catalogRoutes },
  { service: "ORDERS", tag: "cart", routes: cartRoutes },
  { service: "ORDERS", tag: "orders", routes: ordersRoutes },
  { service: "PAYMENTS", tag: "payments", routes: paymentsRoutes },
  { service: "NOTIFICATIONS", tag: "notifications", routes: notificationsRoutes },
  { service: "NOTIFICATIONS", tag: "webhooks", routes: vendorWebhookRoutes },
  { service: "SHIPPING", tag: "shipping", routes: shippingRoutes },
  { service: "REVIEWS", tag: "reviews", routes: reviewsRoutes },
  ...DEAD_LETTER_API,
];
