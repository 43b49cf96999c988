import { z } from "@hono/zod-openapi";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";

/** What a vendor's endpoint can subscribe to: each is sent when that happens to the vendor. */
export const WebhookEventKind = z
  .enum(["sub_order.paid", "sub_order.refunded", "transfer.created", "review.created", "vendor.decision"])
  .openapi("WebhookEventKind");
export type WebhookEventKind = z.infer<typeof WebhookEventKind>;

export const WebhookEndpoint = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(WebhookEventKind),
    description: z.string().nullable(),
    active: z.boolean().openapi({ description: "False once disabled (by the vendor, or after failing many in a row)" }),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint");
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookEndpointWithSecret = WebhookEndpoint.extend({
  secret: z.string().openapi({ description: "The signing secret (`whsec_…`), shown this once: store it now" }),
}).openapi("WebhookEndpointWithSecret");

const Url = z
  .string()
  .max(2048)
  .openapi({ description: "https only; no credentials, no private, loopback or link-local IP address" });
const Events = z
  .array(WebhookEventKind)
  .min(1)
  .max(WebhookEventKind.options.length)
  .refine((events) => new Set(events).size === events.length, "Each event at most once");

export const CreateWebhookEndpoint = z.strictObject({
  url: Url,
  events: Events,
  description: z.string().max(200).optional(),
});

export const UpdateWebhookEndpoint = z.strictObject({
  url: Url.optional(),
  events: Events.optional(),
  description: z.string().max(200).nullable().optional(),
  active: z.boolean().optional().openapi({ description: "true re-enables a disabled endpoint" }),
});

export const WebhookDeliveryStatus = z.enum(["pending", "delivered", "failed"]);

export const WebhookDelivery = z
  .object({
    id: z.string().openapi({ description: "Sent as the Marketplace-Delivery header" }),
    endpointId: z.string(),
    eventId: z.string().openapi({ description: "The payload's `id`, the same on every attempt" }),
    type: WebhookEventKind,
    status: WebhookDeliveryStatus,
    attemptCount: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookAttempt = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    statusCode: z.number().int().nullable().openapi({ description: "Null when no answer came (timeout, refused)" }),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    nextRetryAt: z.string().nullable(),
  })
  .openapi("WebhookAttempt");
export type WebhookAttempt = z.infer<typeof WebhookAttempt>;

export const WebhookDeliveryDetail = WebhookDelivery.extend({
  payload: z.object({ id: z.string(), type: WebhookEventKind, createdAt: z.string(), data: z.unknown() }),
  attempts: z.array(WebhookAttempt),
}).openapi("WebhookDeliveryDetail");
export type WebhookDeliveryDetail = z.infer<typeof WebhookDeliveryDetail>;

const notFound = { description: "No such webhook endpoint of the caller's store" };

export const listWebhookEndpoints = apiRoute({
  method: "get",
  path: "/api/v1/vendor/webhook-endpoints",
  "x-access": "vendor",
  summary: "The store's webhook endpoints",
  operationId: "listWebhookEndpoints",
  description: "Answers the store's webhook endpoints, oldest first, without their signing secrets.",
  responses: { 200: jsonResponse(z.object({ items: z.array(WebhookEndpoint) }), "The endpoints") },
});

export const createWebhookEndpoint = apiRoute({
  method: "post",
  path: "/api/v1/vendor/webhook-endpoints",
  "x-access": "vendor",
  summary: "Add a webhook endpoint",
  operationId: "createWebhookEndpoint",
  description:
    "Adds an https URL that receives the chosen events, signed with a new secret answered only here. A URL that is not https, carries credentials or names a private address is refused (`validation`); a store has a limited number of endpoints (`unknown-reference`).",
  request: jsonBody(CreateWebhookEndpoint),
  responses: {
    201: jsonResponse(WebhookEndpointWithSecret, "Created; the secret is shown this once"),
    422: problems("The store already has as many endpoints as allowed", "unknown-reference"),
  },
});

export const getWebhookEndpoint = apiRoute({
  method: "get",
  path: "/api/v1/vendor/webhook-endpoints/{id}",
  "x-access": "vendor",
  summary: "One webhook endpoint",
  operationId: "getWebhookEndpoint",
  description: "Answers one of the store's webhook endpoints, without its signing secret.",
  request: { params: IdParam },
  responses: { 200: jsonResponse(WebhookEndpoint, "The endpoint"), 404: notFound },
});

export const updateWebhookEndpoint = apiRoute({
  method: "patch",
  path: "/api/v1/vendor/webhook-endpoints/{id}",
  "x-access": "vendor",
  summary: "Change a webhook endpoint",
  operationId: "updateWebhookEndpoint",
  description: "Changes an endpoint's URL, events, description, or turns it off and on (on again resets its failures).",
  request: { params: IdParam, ...jsonBody(UpdateWebhookEndpoint) },
  responses: { 200: jsonResponse(WebhookEndpoint, "Changed"), 404: notFound },
});

export const deleteWebhookEndpoint = apiRoute({
  method: "delete",
  path: "/api/v1/vendor/webhook-endpoints/{id}",
  "x-access": "vendor",
  summary: "Remove a webhook endpoint",
  operationId: "deleteWebhookEndpoint",
  description: "Removes an endpoint with its delivery log; nothing more is sent to it.",
  request: { params: IdParam },
  responses: { 204: { description: "Removed" }, 404: notFound },
});

export const rotateWebhookSecret = apiRoute({
  method: "post",
  path: "/api/v1/vendor/webhook-endpoints/{id}/rotate-secret",
  "x-access": "vendor",
  summary: "Replace an endpoint's signing secret",
  operationId: "rotateWebhookSecret",
  description: "Replaces the endpoint's signing secret at once and answers the new one, shown this once.",
  request: { params: IdParam },
  responses: { 200: jsonResponse(WebhookEndpointWithSecret, "The new secret, shown this once"), 404: notFound },
});

export const listWebhookDeliveries = apiRoute({
  method: "get",
  path: "/api/v1/vendor/webhook-deliveries",
  "x-access": "vendor",
  summary: "The store's webhook delivery log",
  operationId: "listWebhookDeliveries",
  description: "Answers the store's webhook deliveries, newest first, optionally of one endpoint or in one status.",
  request: {
    query: PageQuery.extend({ endpointId: z.string().max(64).optional(), status: WebhookDeliveryStatus.optional() }),
  },
  responses: { 200: jsonResponse(Page(WebhookDelivery), "The deliveries, newest first") },
});

export const getWebhookDelivery = apiRoute({
  method: "get",
  path: "/api/v1/vendor/webhook-deliveries/{id}",
  "x-access": "vendor",
  summary: "One webhook delivery with its attempts",
  operationId: "getWebhookDelivery",
  description: "Answers one delivery: its payload and every attempt (status code, duration, error, next retry).",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(WebhookDeliveryDetail, "The delivery"),
    404: { description: "No such delivery of the caller's store" },
  },
});

export const redeliverWebhook = apiRoute({
  method: "post",
  path: "/api/v1/vendor/webhook-deliveries/{id}/redeliver",
  "x-access": "vendor",
  summary: "Send a delivery again now",
  operationId: "redeliverWebhook",
  description:
    "Sends the delivery again now, with the same payload and a fresh set of retries, whatever its status. The endpoint must be active (`conflict`).",
  request: { params: IdParam },
  responses: {
    202: jsonResponse(WebhookDelivery, "Queued"),
    404: { description: "No such delivery of the caller's store" },
    409: { description: "The delivery's endpoint is disabled" },
  },
});

export const vendorWebhookRoutes = [
  listWebhookEndpoints,
  createWebhookEndpoint,
  getWebhookEndpoint,
  updateWebhookEndpoint,
  deleteWebhookEndpoint,
  rotateWebhookSecret,
  listWebhookDeliveries,
  getWebhookDelivery,
  redeliverWebhook,
];
