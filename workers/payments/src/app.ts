import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { payoutRoutes } from "./routes/payouts.ts";
import { webhookRoutes } from "./routes/webhooks.ts";

export const app = createApp<Env>("payments")
  .route("/", webhookRoutes)
  .route("/", payoutRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.payments, (env) => env.INBOX_PAYMENTS),
  );
