/**
 * Every problem `type` the API answers, in one table: the error helpers accept
 * only these slugs, the OpenAPI document lists them per response, the gateway
 * serves each at `/problems/<slug>` and the README table is written from it.
 * URIs are relative to the API's origin; published ones never change.
 */
export const PROBLEM_TABLE = {
  // One per status, for failures no client branches on beyond the status.
  validation: {
    status: 400,
    title: "Invalid input",
    description: "The body, query or path failed validation; `errors` lists each field.",
  },
  unauthenticated: {
    status: 401,
    title: "Sign-in required",
    description: "The access token is missing, malformed, expired or revoked.",
  },
  forbidden: {
    status: 403,
    title: "Not allowed",
    description: "The caller is signed in but its role or ownership does not allow this.",
  },
  "not-found": {
    status: 404,
    title: "Not found",
    description: "No such route, or no such record visible to the caller.",
  },
  "method-not-allowed": {
    status: 405,
    title: "Method not allowed",
    description: "The path exists but not with this method.",
  },
  conflict: {
    status: 409,
    title: "Conflict",
    description: "The record's current state does not allow this; reload and retry.",
  },
  "body-too-large": { status: 413, title: "Body too large", description: "The body exceeds the route's size limit." },
  "unsupported-media-type": {
    status: 415,
    title: "Unsupported media type",
    description: "The Content-Type is not one the route accepts; `accept` lists them.",
  },
  unprocessable: {
    status: 422,
    title: "Unprocessable",
    description: "The input is well-formed but refers to something that does not fit.",
  },
  "rate-limited": {
    status: 429,
    title: "Rate limited",
    description: "Too many requests; wait for `retry-after` seconds.",
  },
  internal: {
    status: 500,
    title: "Internal error",
    description: "An unexpected error; the `traceId` finds it in the logs.",
  },
  "bad-gateway": { status: 502, title: "Bad gateway", description: "An upstream service answered with an error." },
  unavailable: {
    status: 503,
    title: "Unavailable",
    description: "A dependency is briefly unavailable; retry shortly (after `retry-after` seconds when given).",
  },

  // Specific failures a client branches on.
  "invalid-cursor": {
    status: 400,
    title: "Invalid cursor",
    description: "The `cursor` is not one this list handed out; restart from the first page.",
  },
  "invalid-signature": {
    status: 400,
    title: "Invalid webhook signature",
    description:
      "The webhook's signature header (Stripe-Signature, Carrier-Signature) is missing, wrong, stale or from the future.",
  },
  "invalid-token": {
    status: 400,
    title: "Invalid token",
    description: "The token of a mailed link is unknown, already used or expired; ask for a new link.",
  },
  "invalid-credentials": {
    status: 401,
    title: "Wrong email or password",
    description: "Sign-in refused; the same answer whether or not the email is registered.",
  },
  "refresh-token-invalid": {
    status: 401,
    title: "Refresh token not valid",
    description: "The refresh token is unknown, expired or revoked, or its account is gone; sign in again.",
  },
  "refresh-token-reused": {
    status: 401,
    title: "Refresh token reused",
    description: "A spent refresh token came back: every session of that sign-in is now revoked.",
  },
  "vendor-not-active": {
    status: 403,
    title: "Vendor not active",
    description: "The caller's store is no longer approved, or the caller no longer belongs to it.",
  },
  "not-store-owner": { status: 403, title: "Owner only", description: "Only the store's owner manages its staff." },
  "purchase-required": {
    status: 403,
    title: "Purchase required",
    description: "Only a shopper with a delivered purchase of the product may review it.",
  },
  "email-taken": { status: 409, title: "Email taken", description: "An account with this email already exists." },
  "slug-taken": { status: 409, title: "Slug taken", description: "Another store or category already has this slug." },
  "already-vendor-member": {
    status: 409,
    title: "Already a vendor member",
    description: "The user already owns or staffs a vendor; a user belongs to at most one.",
  },
  "shipping-profile-exists": {
    status: 409,
    title: "Shipping profile exists",
    description: "The store already has a shipping profile in this currency; edit that one.",
  },
  "vendor-transition-refused": {
    status: 409,
    title: "Vendor status change refused",
    description: "The vendor's current status does not allow this decision.",
  },
  "edit-conflict": {
    status: 409,
    title: "Edited meanwhile",
    description: "The record changed since it was read; reload and retry.",
  },
  "review-exists": {
    status: 409,
    title: "Review exists",
    description: "The caller already reviewed this product; edit that review instead.",
  },
  "edit-window-closed": {
    status: 409,
    title: "Edit window closed",
    description: "A review can be edited only for 30 days after it was written.",
  },
  "reply-exists": { status: 409, title: "Reply exists", description: "The store already answered this review." },
  "limit-reached": {
    status: 409,
    title: "Limit reached",
    description: "The collection holds its maximum (addresses, images, cart lines).",
  },
  "not-a-draft": {
    status: 409,
    title: "Not a draft",
    description: "Only drafts can be deleted; archive a published product instead.",
  },
  "stock-held": {
    status: 409,
    title: "Stock held by checkouts",
    description: "Stock on hand cannot go below the units held by checkouts.",
  },
  "idempotency-key-in-progress": {
    status: 409,
    title: "Request in progress",
    description: "A request with this Idempotency-Key is still being handled; retry shortly for its outcome.",
  },
  "cart-empty": { status: 409, title: "Cart empty", description: "There is nothing to check out." },
  "cart-checkout-in-progress": {
    status: 409,
    title: "Checkout in progress",
    description: "Another request is checking this cart out; retry shortly.",
  },
  "cart-not-buyable": {
    status: 409,
    title: "Cart cannot be bought",
    description: "Some lines are no longer on sale or the cart mixes currencies; the detail names them.",
  },
  "out-of-stock": {
    status: 409,
    title: "Out of stock",
    description: "Some SKUs lack the stock asked for; nothing was held.",
  },
  "cannot-ship": {
    status: 409,
    title: "Cannot ship there",
    description:
      "A vendor in the cart does not ship to the address's country (or not in the cart's currency); the detail names it. Nothing was held.",
  },
  "below-minimum-charge": {
    status: 409,
    title: "Below minimum charge",
    description: "The order total is below the processor's minimum charge for its currency.",
  },
  "order-not-cancellable": {
    status: 409,
    title: "Order not cancellable",
    description: "Something already shipped, or the order is closed.",
  },
  "sub-order-transition-refused": {
    status: 409,
    title: "Sub-order step refused",
    description: "The sub-order's current status does not allow this step.",
  },
  "refund-exceeds-paid": {
    status: 409,
    title: "Refund exceeds paid",
    description: "The refund asks for more than is left of what was paid.",
  },
  "refund-in-progress": {
    status: 409,
    title: "Refund in progress",
    description: "Another refund of this order is being made; retry shortly.",
  },
  "payment-disputed": {
    status: 409,
    title: "Payment disputed",
    description: "The payment is disputed: the dispute decides what goes back to the shopper.",
  },
  "payment-not-settled": {
    status: 409,
    title: "Payment not settled",
    description: "The order is not paid (yet), so nothing can be refunded.",
  },
  "processor-refused": {
    status: 409,
    title: "Processor refused",
    description: "Stripe refused the operation; the detail says why.",
  },
  "image-refused": {
    status: 415,
    title: "Image refused",
    description: "The body is not a well-formed PNG, JPEG or WebP, or does not match its Content-Type.",
  },
  "idempotency-key-reused": {
    status: 422,
    title: "Idempotency-Key reused",
    description: "This Idempotency-Key was used for a different request.",
  },
  "wrong-password": {
    status: 422,
    title: "Wrong current password",
    description: "The current password given to change it is wrong.",
  },
  "unknown-reference": {
    status: 422,
    title: "Unknown reference",
    description: "The body names a category or SKU that does not exist, or exceeds a limit; `errors` says which.",
  },
  "processor-unavailable": {
    status: 503,
    title: "Processor unavailable",
    description: "Stripe could not be reached; retry, the Idempotency-Key keeps it single.",
  },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TABLE;
export type ProblemUri = `/problems/${ProblemSlug}`;

/** The statuses the API answers errors with, and the type each answers when nothing more specific applies. */
export const DEFAULT_PROBLEM = {
  400: "validation",
  401: "unauthenticated",
  403: "forbidden",
  404: "not-found",
  405: "method-not-allowed",
  409: "conflict",
  413: "body-too-large",
  415: "unsupported-media-type",
  422: "unprocessable",
  429: "rate-limited",
  500: "internal",
  502: "bad-gateway",
  503: "unavailable",
} as const satisfies Record<number, ProblemSlug>;
export type ProblemStatus = keyof typeof DEFAULT_PROBLEM;

export const PROBLEM_SLUGS = Object.keys(PROBLEM_TABLE) as ProblemSlug[];

export function problemUri(slug: ProblemSlug): ProblemUri {
  return `/problems/${slug}`;
}

export function isProblemStatus(status: number): status is ProblemStatus {
  return status in DEFAULT_PROBLEM;
}
