import { createRoutes } from "#lib/http/app.ts";
import { profileRoutes } from "./profiles.ts";
import { shipmentRoutes } from "./shipments.ts";
import { webhookRoutes } from "./webhooks.ts";

/** Public routes, declared in lib/contracts/api/shipping.ts. */
export const routes = createRoutes<Env>()
  .route("/", profileRoutes)
  .route("/", shipmentRoutes)
  .route("/", webhookRoutes);
