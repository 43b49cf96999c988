import type { Consumer } from "#lib/queue/consume.ts";

/** One consumed event per file beside this one; route the event to "notifications-inbox" in lib/contracts/events/routing.ts. */
export const consumers: Consumer[] = [];
