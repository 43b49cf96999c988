import { z } from "zod";
import { Order } from "#lib/contracts/api/orders.ts";
import { defineEvent } from "./envelope.ts";

/**
 * The whole order after a change, from its Durable Object. `version` grows with
 * every change, so a reader keeps the newest copy whatever the delivery order.
 */
export const OrderUpdated = defineEvent(
  "order.updated",
  1,
  z.object({ version: z.number().int(), userId: z.string(), order: Order }),
);
