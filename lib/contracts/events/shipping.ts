import { z } from "zod";
import { Shipment } from "#lib/contracts/api/shipping.ts";
import { defineEvent } from "./envelope.ts";

export { Shipment, ShipmentStatus, TrackingEvent } from "#lib/contracts/api/shipping.ts";

/**
 * The whole shipment after a change. `version` grows with every change, so a
 * reader keeps the newest copy whatever the delivery order.
 */
export const ShipmentUpdated = defineEvent(
  "shipment.updated",
  1,
  z.object({ version: z.number().int(), shipment: Shipment }),
);
