import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { meRoutes } from "./routes/me.ts";

export const app = createApp<Env>("users")
  .route("/", meRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.users, (env) => env.INBOX_USERS),
  );
