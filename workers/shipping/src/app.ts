import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { routes } from "./routes/index.ts";

export const app = createApp<Env>("shipping")
  .route("/", routes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.shipping, (env) => env.INBOX_SHIPPING),
  );
