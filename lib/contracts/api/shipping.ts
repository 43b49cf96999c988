import { z } from "@hono/zod-openapi";
import { COUNTRY_CODES } from "#lib/contracts/countries.ts";
import { Currency, MinorUnits } from "#lib/contracts/money.ts";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";

export const ShipmentStatus = z.enum([
  "awaiting_shipment",
  "shipped",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "exception",
  "cancelled",
]);
export type ShipmentStatus = z.infer<typeof ShipmentStatus>;

/** One step of a parcel's journey, as the carrier (or the vendor's ship) reported it. */
export const TrackingEvent = z
  .object({
    status: ShipmentStatus,
    at: z.string(),
    location: z.string().nullable(),
    description: z.string().nullable(),
  })
  .openapi("TrackingEvent");
export type TrackingEvent = z.infer<typeof TrackingEvent>;

/** The shipment of one sub-order. */
export const Shipment = z
  .object({
    id: z.string(),
    orderId: z.string(),
    subOrderId: z.string(),
    vendorId: z.string(),
    userId: z.string(),
    status: ShipmentStatus,
    carrier: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    events: z.array(TrackingEvent).openapi({ description: "The timeline, in the order the steps happened" }),
  })
  .openapi("Shipment");
export type Shipment = z.infer<typeof Shipment>;

/** "*" is the rest of the world: the zone for every country no other zone of the profile lists. */
export const REST_OF_WORLD = "*";

export const ShippingZone = z
  .strictObject({
    name: z.string().trim().min(1).max(60),
    countries: z
      .array(
        z
          .string()
          .refine((code) => code === REST_OF_WORLD || COUNTRY_CODES.has(code), "Use ISO 3166-1 alpha-2 codes or *."),
      )
      .min(1)
      .max(250)
      .refine((codes) => !codes.includes(REST_OF_WORLD) || codes.length === 1, "* stands alone in its zone.")
      .openapi({ description: 'ISO 3166-1 alpha-2 codes, or ["*"] for every country no other zone lists' }),
    flatRate: MinorUnits.openapi({ description: "Per parcel, minor units of the profile's currency" }),
    perKgRate: MinorUnits.openapi({ description: "Per started kilogram, minor units" }),
    freeShippingThreshold: MinorUnits.nullable().openapi({
      description: "A goods subtotal at or above it ships free; null: never free",
    }),
  })
  .openapi("ShippingZone");
export type ShippingZone = z.infer<typeof ShippingZone>;

export const ShippingProfileInput = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    currency: Currency,
    zones: z.array(ShippingZone).min(1).max(50),
  })
  .superRefine((profile, ctx) => {
    const seen = new Set<string>();
    const names = new Set<string>();
    profile.zones.forEach((zone, i) => {
      if (names.has(zone.name))
        ctx.addIssue({ code: "custom", path: ["zones", i, "name"], message: "Zone names are unique." });
      names.add(zone.name);
      for (const country of zone.countries) {
        if (seen.has(country)) {
          const message = country === REST_OF_WORLD ? "At most one * zone." : `${country} is in another zone.`;
          ctx.addIssue({ code: "custom", path: ["zones", i, "countries"], message });
        }
        seen.add(country);
      }
    });
  })
  .openapi("ShippingProfileInput");
export type ShippingProfileInput = z.infer<typeof ShippingProfileInput>;

export const ShippingProfile = z
  .object({
    id: z.string(),
    name: z.string(),
    currency: z.string(),
    zones: z.array(ShippingZone),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ShippingProfile");
export type ShippingProfile = z.infer<typeof ShippingProfile>;

/** A shipment as its vendor sees it (without the shopper's account id). */
export const VendorShipment = Shipment.omit({ userId: true })
  .extend({ createdAt: z.string(), updatedAt: z.string() })
  .openapi("VendorShipment");
export type VendorShipment = z.infer<typeof VendorShipment>;

export const OrderTracking = z
  .object({
    orderId: z.string(),
    shipments: z.array(Shipment.omit({ userId: true, orderId: true })),
  })
  .openapi("OrderTracking");
export type OrderTracking = z.infer<typeof OrderTracking>;

/** What a carrier posts about one parcel. */
export const CarrierEvent = z.object({
  id: z.string().min(1).max(100).openapi({ description: "The carrier's event id: a replay is applied once" }),
  trackingNumber: z.string().min(1).max(100),
  status: z.enum(["in_transit", "out_for_delivery", "delivered", "exception"]),
  occurredAt: z.iso.datetime({ offset: true }),
  location: z.string().max(200).optional(),
  description: z.string().max(500).optional(),
});
export type CarrierEvent = z.infer<typeof CarrierEvent>;

const profilePath = "/api/v1/vendor/shipping-profiles";

export const listShippingProfiles = apiRoute({
  method: "get",
  path: profilePath,
  "x-access": "vendor",
  summary: "The store's shipping profiles",
  operationId: "listShippingProfiles",
  description: "Lists the store's shipping profiles (at most one per currency), oldest first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(Page(ShippingProfile), "A page of profiles") },
});

export const createShippingProfile = apiRoute({
  method: "post",
  path: profilePath,
  "x-access": "vendor",
  summary: "Add a shipping profile (rates by zone, in one currency)",
  operationId: "createShippingProfile",
  description:
    "Adds a profile of zones and rates in one currency. A country is in at most one zone, at most one zone is `*` (the rest of the world), and a store has at most one profile per currency (`shipping-profile-exists`). A store with no profile ships free everywhere.",
  request: jsonBody(ShippingProfileInput),
  responses: {
    201: jsonResponse(ShippingProfile, "Created"),
    409: problems("The store already has a profile in this currency", "shipping-profile-exists"),
  },
});

export const getShippingProfile = apiRoute({
  method: "get",
  path: `${profilePath}/{id}`,
  "x-access": "vendor",
  summary: "One of the store's shipping profiles",
  operationId: "getShippingProfile",
  description: "Answers one of the store's shipping profiles.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(ShippingProfile, "The profile"),
    404: { description: "No such profile of the store" },
  },
});

export const replaceShippingProfile = apiRoute({
  method: "put",
  path: `${profilePath}/{id}`,
  "x-access": "vendor",
  summary: "Replace a shipping profile",
  operationId: "replaceShippingProfile",
  description: "Replaces a profile's name, currency and zones; the same rules as on creation apply.",
  request: { params: IdParam, ...jsonBody(ShippingProfileInput) },
  responses: {
    200: jsonResponse(ShippingProfile, "The profile"),
    404: { description: "No such profile of the store" },
    409: problems("Another profile of the store has this currency", "shipping-profile-exists"),
  },
});

export const deleteShippingProfile = apiRoute({
  method: "delete",
  path: `${profilePath}/{id}`,
  "x-access": "vendor",
  summary: "Delete a shipping profile",
  operationId: "deleteShippingProfile",
  description: "Deletes a profile; with none left the store ships free everywhere.",
  request: { params: IdParam },
  responses: { 204: { description: "Deleted" }, 404: { description: "No such profile of the store" } },
});

export const getOrderTracking = apiRoute({
  method: "get",
  path: "/api/v1/orders/{id}/tracking",
  "x-access": "customer",
  summary: "Where the order's parcels are",
  operationId: "getOrderTracking",
  description:
    "Answers the shipment of each of the caller's sub-orders with its carrier, tracking number and timeline. An order is known here shortly after it is placed; its shipments open when it is paid.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(OrderTracking, "The order's shipments"),
    404: { description: "No such order of the caller" },
  },
});

export const listVendorShipments = apiRoute({
  method: "get",
  path: "/api/v1/vendor/shipments",
  "x-access": "vendor",
  summary: "The store's shipments, newest first",
  operationId: "listVendorShipments",
  description: "Lists the store's shipments, newest first, optionally of one status.",
  request: { query: PageQuery.extend({ status: ShipmentStatus.optional() }) },
  responses: { 200: jsonResponse(Page(VendorShipment), "A page of shipments") },
});

export const carrierWebhook = apiRoute({
  method: "post",
  path: "/webhooks/carrier/{carrier}",
  "x-access": "anonymous",
  summary: "A carrier's tracking webhook (verified by its Carrier-Signature header)",
  operationId: "receiveCarrierWebhook",
  description:
    'Receives one tracking event of a carrier; for carriers only. `Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` with the carrier\'s secret, at most 300 s off (`invalid-signature`); each event id is applied once. Statuses only move forward (shipped, in_transit, out_for_delivery, delivered; an exception until the next step forward); every event joins the timeline in the order it happened.',
  request: {
    params: z.object({ carrier: z.string().min(1).max(32) }),
    body: { content: { "application/json": { schema: CarrierEvent } }, required: true },
  },
  responses: {
    200: jsonResponse(
      z.object({ received: z.literal(true), result: z.enum(["applied", "duplicate"]) }),
      "Received (a replay answers duplicate and changes nothing)",
    ),
    400: problems("Unknown carrier; signature missing, wrong, stale or from the future", "invalid-signature"),
    404: { description: "No shipment of this carrier has this tracking number" },
  },
});

export const shippingRoutes = [
  listShippingProfiles,
  createShippingProfile,
  getShippingProfile,
  replaceShippingProfile,
  deleteShippingProfile,
  getOrderTracking,
  listVendorShipments,
  carrierWebhook,
];
