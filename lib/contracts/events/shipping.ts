import { z } from "zod";
import { defineEvent } from "./envelope.ts";

export const ShipmentStatus = z.enum([
  "awaiting_shipment",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "exception",
]);
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;

/** One step of a parcel's journey, as the carrier (or the vendor's ship) reported it. */
export const TrackingEvent = z.object({
  status: ShipmentStatus,
  at: z.string(),
  location: z.string().nullable(),
  description: z.string().nullable(),
});
export type TrackingEvent = z.infer<typeof TrackingEvent>;

/** The shipment of one sub-order. */
export const Shipment = z.object({
  id: z.string(),
  orderId: z.string(),
  subOrderId: z.string(),
  vendorId: z.string(),
  userId: z.string(),
  status: ShipmentStatus,
  carrier: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  events: z.array(TrackingEvent),
});
export type Shipment = z.infer<typeof Shipment>;

/**
 * The whole shipment after a change. `version` grows with every change, so a
 * reader keeps the newest copy whatever the delivery order.
 */
export const ShipmentUpdated = defineEvent(
  "shipment.updated",
  1,
  z.object({ version: z.number().int(), shipment: Shipment }),
);
