import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { cartRoutes } from "./routes/cart.ts";
import { orderRoutes } from "./routes/orders.ts";
import { vendorOrderRoutes } from "./routes/vendor-orders.ts";

export const app = createApp<Env>("orders")
  .route("/", cartRoutes)
  .route("/", orderRoutes)
  .route("/", vendorOrderRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.orders, (env) => env.INBOX_ORDERS),
  );
