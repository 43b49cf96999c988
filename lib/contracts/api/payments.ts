import { z } from "@hono/zod-openapi";
import { apiRoute, IdParam, jsonBody, jsonResponse, PageQuery, problems } from "./route.ts";

export const LedgerEntry = z
  .object({
    id: z.number().int(),
    kind: z.enum(["sale", "commission", "transfer", "refund", "commission_refund", "reversal"]),
    amount: z
      .number()
      .int()
      .openapi({ description: "What the platform owes the vendor goes up (+) or down (-), minor units" }),
    currency: z.string(),
    orderId: z.string(),
    subOrderId: z.string(),
    reference: z.string().nullable().openapi({ description: "Stripe transfer, reversal or refund id" }),
    createdAt: z.string(),
  })
  .openapi("LedgerEntry");
export type LedgerEntry = z.infer<typeof LedgerEntry>;

export const Payouts = z
  .object({
    account: z.object({ id: z.string(), payoutsEnabled: z.boolean() }).nullable(),
    balances: z
      .array(z.object({ currency: z.string(), owed: z.number().int() }))
      .openapi({ description: "Sales minus commission, transfers and refunds, per currency" }),
    items: z.array(LedgerEntry),
    nextCursor: z.string().nullable(),
  })
  .openapi("Payouts");
export type Payouts = z.infer<typeof Payouts>;

export const PaymentInfo = z
  .object({
    id: z.string(),
    status: z.enum(["requires_payment_method", "processing", "succeeded", "failed", "canceled"]),
    amount: z.number().int(),
    currency: z.string(),
    clientSecret: z
      .string()
      .nullable()
      .openapi({ description: "For Stripe.js, when the payment is confirmed in the browser" }),
    declineCode: z.string().nullable(),
  })
  .openapi("PaymentInfo");
export type PaymentInfo = z.infer<typeof PaymentInfo>;

export const stripeWebhook = apiRoute({
  method: "post",
  path: "/webhooks/stripe",
  "x-access": "anonymous",
  "x-max-body-bytes": 262_144,
  summary: "Stripe's webhook (verified by its Stripe-Signature header)",
  operationId: "receiveStripeWebhook",
  description:
    "Receives Stripe's events; for Stripe only. The Stripe-Signature header is verified (`invalid-signature`) and each event is applied once.",
  request: { body: { content: { "application/json": { schema: z.object({}).passthrough() } }, required: true } },
  responses: {
    200: { description: "Received" },
    400: problems("Signature missing, wrong, stale or from the future", "invalid-signature"),
  },
});

export const getPayouts = apiRoute({
  method: "get",
  path: "/api/v1/vendor/payouts",
  "x-access": "vendor",
  summary: "The store's payouts ledger and what it is owed",
  operationId: "getPayouts",
  description: "Answers the store's payout ledger (newest first) and the balance it is owed.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(Payouts, "The ledger, newest first") },
});

export const startOnboarding = apiRoute({
  method: "post",
  path: "/api/v1/vendor/payouts/onboarding",
  "x-access": "vendor",
  summary: "A Stripe onboarding link for the store's connected account",
  operationId: "startPayoutOnboarding",
  description: "Creates the store's Stripe connected account if needed and answers a one-time onboarding link.",
  request: jsonBody(z.strictObject({ returnUrl: z.url().optional(), refreshUrl: z.url().optional() })),
  responses: { 200: jsonResponse(z.object({ accountId: z.string(), url: z.string() }), "Go to url") },
});

export const refundOrder = apiRoute({
  method: "post",
  path: "/api/v1/orders/{id}/refund",
  "x-access": "vendor_or_admin",
  summary: "Refund a sub-order in full or in part (its vendor, or an admin)",
  operationId: "refundOrder",
  description:
    "Refunds a sub-order in full or in part and takes the vendor's share back from its transfer. Requires an `Idempotency-Key`. Refusals a client branches on: `refund-exceeds-paid`, `payment-not-settled`, `payment-disputed`, `refund-in-progress`, `processor-refused`, `processor-unavailable`, `idempotency-key-reused`.",
  request: {
    params: IdParam,
    headers: z.object({ "idempotency-key": z.string().min(8).max(100) }),
    ...jsonBody(
      z.strictObject({
        subOrderId: z.string().min(1).max(64),
        amount: z.number().int().positive().optional(),
        reason: z.string().max(200).optional(),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({ refundId: z.string(), amount: z.number().int(), reversal: z.number().int() }),
      "Refunded",
    ),
    404: { description: "No such sub-order of the caller's store" },
    409: problems(
      "More than what is left to refund, not paid, disputed, another refund racing (retry), or refused by Stripe",
      "refund-exceeds-paid",
      "payment-not-settled",
      "payment-disputed",
      "refund-in-progress",
      "processor-refused",
    ),
    422: problems("The Idempotency-Key was used for a different refund", "idempotency-key-reused"),
    503: problems(
      "Stripe did not answer; the refund is kept and completes: retry with the same key for its outcome",
      "processor-unavailable",
    ),
  },
});

export const paymentsRoutes = [stripeWebhook, getPayouts, startOnboarding, refundOrder];
