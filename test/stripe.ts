import { env } from "cloudflare:workers";
import { api } from "./helpers.ts";

export interface FakeEvent {
  id: string;
  type: string;
  payload: string;
  signature: string;
}

/** The local Stripe-compatible server's test controls. */
export async function fake<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${env.STRIPE_FAKE_URL}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`fake ${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json<T>();
}

/** Events Stripe would have sent about an order's PaymentIntent (matched by its metadata), oldest first. */
export async function eventsFor(orderId: string, type: string): Promise<FakeEvent[]> {
  const { events } = await fake<{ events: FakeEvent[] }>("GET", `/events?type=${encodeURIComponent(type)}`);
  return events.filter((e) => {
    const object = (JSON.parse(e.payload) as { data: { object: { metadata?: Record<string, string> } } }).data.object;
    return object.metadata?.order_id === orderId;
  });
}

export async function signedAt(eventId: string, timestamp: number): Promise<FakeEvent> {
  return fake<FakeEvent>("GET", `/events/${eventId}/signed?timestamp=${timestamp}`);
}

/** Delivers a webhook to the gateway, as Stripe does. */
export function deliver(
  event: Pick<FakeEvent, "payload" | "signature">,
  signature = event.signature,
): Promise<Response> {
  return api("POST", "/webhooks/stripe", {
    body: event.payload,
    headers: signature ? { "stripe-signature": signature } : {},
  });
}

export async function objects<T>(kind: "payment_intents" | "transfers" | "refunds" | "accounts"): Promise<T[]> {
  const listed = await fake<{ data?: T[]; objects?: T[] } | T[]>("GET", `/objects/${kind}`);
  if (Array.isArray(listed)) return listed;
  return listed.data ?? listed.objects ?? [];
}
