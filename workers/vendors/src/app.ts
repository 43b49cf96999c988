import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { staffRoutes } from "./routes/staff.ts";
import { vendorRoutes } from "./routes/vendors.ts";

export const app = createApp<Env>("vendors")
  .route("/", vendorRoutes)
  .route("/", staffRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.vendors, (env) => env.INBOX_VENDORS),
  );
