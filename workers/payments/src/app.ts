import { createApp } from "../../../lib/http/app.ts";
import { payoutRoutes } from "./routes/payouts.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

export const app = createApp<Env>("payments").route("/", webhookRoutes).route("/", payoutRoutes);
