import { authRoutes } from "./auth.ts";
import { catalogRoutes } from "./catalog.ts";
import { DEAD_LETTER_API } from "./dead-letters.ts";
import { ordersRoutes } from "./orders.ts";
import { paymentsRoutes } from "./payments.ts";
import type { ApiRoute, Service } from "./route.ts";
import { usersRoutes } from "./users.ts";
import { vendorsRoutes } from "./vendors.ts";

/**
 * Every public route and the Worker that serves it: the gateway's routing table,
 * the access policy table and the OpenAPI document all come from this list.
 * A new domain adds its routes here.
 */
export const PUBLIC_API: ReadonlyArray<{ service: Service; routes: readonly ApiRoute[] }> = [
  { service: "AUTH", routes: authRoutes },
  { service: "USERS", routes: usersRoutes },
  { service: "VENDORS", routes: vendorsRoutes },
  { service: "CATALOG", routes: catalogRoutes },
  { service: "ORDERS", routes: ordersRoutes },
  { service: "PAYMENTS", routes: paymentsRoutes },
  ...DEAD_LETTER_API,
];
