import type { Consumer } from "#lib/queue/consume.ts";
import { onReviewUpdated } from "./review-updated.ts";

/** One consumed event per file beside this one, each routed to "vendors-inbox" in lib/contracts/events/routing.ts. */
export const consumers: Consumer[] = [onReviewUpdated];
