// Test controls under /_fake/ (no API key): events with fresh signatures, redelivery, disputes, faults, object listings, reset.
import { invalidRequest, noSuch } from "./errors.ts";
import type { StoredEvent } from "./events.ts";
import type { Dispute } from "./objects.ts";
import { type Context, ok, route } from "./router.ts";
import { signatureHeader } from "./signing.ts";
import { newId, nowSeconds } from "./state.ts";

function jsonBody(c: Context): Record<string, unknown> {
  if (c.body.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(c.body);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw invalidRequest("The body must be a JSON object.");
}

function nonNegativeInteger(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidRequest(`${name} must be a non-negative integer.`, { param: name });
}

function findEvent(c: Context<{ id: string }>): StoredEvent {
  const event = c.fake.events.get(c.path.id);
  if (!event) throw noSuch("event", c.path.id);
  return event;
}

/** An event as a test delivers it: the exact body and a `Stripe-Signature` made now (or at `timestamp`). */
function signed(c: Context, event: StoredEvent, timestamp?: number) {
  return {
    id: event.id,
    type: event.type,
    payload: event.payload,
    signature: signatureHeader(event.payload, c.fake.webhooks.secret, timestamp),
  };
}

export const controlRoutes = [
  route("GET", "/_fake/events", (c) => {
    const events = c.fake.events.list({
      type: c.query.get("type") ?? undefined,
      since: c.query.get("since") ?? undefined,
    });
    return ok({ events: events.map((event) => signed(c, event)) });
  }),

  route("GET", "/_fake/events/:id/signed", (c) => {
    const timestamp = c.query.get("timestamp");
    if (timestamp !== null && !/^\d+$/.test(timestamp))
      throw invalidRequest("timestamp must be unix seconds.", { param: "timestamp" });
    return ok(signed(c, findEvent(c), timestamp === null ? undefined : Number(timestamp)));
  }),

  /** Sends an event to the webhook URL again (duplicates, reordering); answers after the first attempt. */
  route("POST", "/_fake/events/:id/deliver", async (c) => {
    const event = findEvent(c);
    if (!c.fake.webhooks.hasEndpoint)
      throw invalidRequest("The fake was started without a webhook URL.", { status: 409 });
    const { delivery, firstAttempt } = c.fake.webhooks.send(event);
    await firstAttempt;
    return ok(delivery);
  }),

  route("GET", "/_fake/deliveries", (c) => ok({ deliveries: c.fake.webhooks.deliveries })),

  /** A chargeback on the PaymentIntent's charge: `charge.dispute.created`. Body (optional): `{ amount, reason }`. */
  route("POST", "/_fake/payment_intents/:id/dispute", (c) => {
    const { store } = c.fake;
    const intent = store.paymentIntents.get(c.path.id);
    if (!intent) throw noSuch("payment_intent", c.path.id);
    const charge = intent.latest_charge ? store.charges.get(intent.latest_charge) : undefined;
    if (intent.status !== "succeeded" || !charge)
      throw invalidRequest(`PaymentIntent ${intent.id} has no successful charge to dispute.`);
    const body = jsonBody(c);
    const dispute: Dispute = {
      id: newId("dp"),
      object: "dispute",
      amount: nonNegativeInteger(body.amount, "amount") ?? charge.amount - charge.amount_refunded,
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      is_charge_refundable: false,
      livemode: false,
      metadata: {},
      payment_intent: intent.id,
      reason: typeof body.reason === "string" ? body.reason : "fraudulent",
      status: "needs_response",
    };
    store.disputes.set(dispute.id, dispute);
    charge.disputed = true;
    c.fake.events.emit("charge.dispute.created", dispute, { requestId: null, idempotencyKey: null });
    return ok(dispute);
  }),

  /** `{ mode: drop|fail|hang, path?, times?, hangMs? }` (or `{ dropResponses: n }`): faults of the next matching API requests (faults.ts). */
  route("POST", "/_fake/faults", (c) => ok(c.fake.faults.add(jsonBody(c)))),
  route("GET", "/_fake/faults", (c) => ok({ faults: c.fake.faults.list() })),
  route("DELETE", "/_fake/faults", (c) => {
    c.fake.faults.reset();
    return ok({ faults: [] });
  }),

  route("GET", "/_fake/objects/:kind", (c) => {
    const data = c.fake.store.list(c.path.kind);
    if (!data) throw invalidRequest(`Unknown kind: ${c.path.kind}`, { status: 404 });
    return ok({ object: "list", data });
  }),

  route("POST", "/_fake/reset", (c) => {
    c.fake.reset();
    return ok({ reset: true });
  }),
];
