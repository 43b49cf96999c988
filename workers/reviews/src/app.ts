import { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createApp } from "#lib/http/app.ts";
import { deadLetterRoutes } from "#lib/queue/dead-letter-routes.ts";
import { adminReviewRoutes } from "./routes/admin-reviews.ts";
import { reviewRoutes } from "./routes/reviews.ts";
import { vendorReviewRoutes } from "./routes/vendor-reviews.ts";

export const app = createApp<Env>("reviews")
  .route("/", reviewRoutes)
  .route("/", vendorReviewRoutes)
  .route("/", adminReviewRoutes)
  .route(
    "/",
    deadLetterRoutes<Env>(DEAD_LETTER_ROUTES.reviews, (env) => env.INBOX_REVIEWS),
  );
