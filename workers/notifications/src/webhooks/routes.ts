import { createRoutes } from "#lib/http/app.ts";
import { deliveryRoutes } from "./delivery-routes.ts";
import { endpointRoutes } from "./endpoint-routes.ts";

/** The vendor's webhook endpoints and delivery log (lib/contracts/api/vendor-webhooks.ts). */
export const webhookRoutes = createRoutes<Env>().route("/", endpointRoutes).route("/", deliveryRoutes);
