import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { routes } from "./routes/index.ts";
import { webhookRoutes } from "./webhooks/routes.ts";

export const app = createApp<Env>("notifications")
  .route("/", routes)
  .route("/", webhookRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.notifications, (env) => env.INBOX_NOTIFICATIONS),
  );
