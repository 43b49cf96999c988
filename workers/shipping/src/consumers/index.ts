import type { Consumer } from "#lib/queue/consume.ts";
import { onOrderUpdated } from "./order-updated.ts";

/** One consumed event per file beside this one, each routed to "shipping-inbox" in lib/contracts/events/routing.ts. */
export const consumers: Consumer[] = [onOrderUpdated];
