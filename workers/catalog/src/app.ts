import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { adminRoutes } from "./routes/admin.ts";
import { browseRoutes } from "./routes/browse.ts";
import { vendorProductRoutes } from "./routes/vendor-products.ts";

export const app = createApp<Env>("catalog")
  .route("/", browseRoutes)
  .route("/", vendorProductRoutes)
  .route("/", adminRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.catalog, (env) => env.INBOX_CATALOG),
  );
