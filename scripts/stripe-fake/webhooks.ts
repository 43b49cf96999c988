// Delivery of events to the one webhook URL, as Stripe does: a signed JSON POST right after the event, retried with
// backoff on a failure or a non-2xx answer, never holding up the API answer. Every delivery is kept for tests.
import type { StoredEvent } from "./events.ts";
import { signatureHeader } from "./signing.ts";
import { newId } from "./state.ts";

export interface DeliveryAttempt {
  at: string;
  signature: string;
  status: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  payload: string;
  /** The `Stripe-Signature` header of the latest attempt (each attempt is signed afresh, as Stripe does). */
  signature: string;
  event: unknown;
  state: "pending" | "delivered" | "failed" | "no_endpoint";
  attempts: DeliveryAttempt[];
}

/** Waits after the 1st, 2nd and 3rd failed attempt; after the 4th the delivery is given up. */
const RETRY_DELAYS_MS = [500, 2_000, 8_000];
const ATTEMPT_TIMEOUT_MS = 10_000;

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private readonly url: string | undefined;
  readonly secret: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(url: string | undefined, secret: string) {
    this.url = url;
    this.secret = secret;
  }

  get hasEndpoint(): boolean {
    return this.url !== undefined;
  }

  /** Records a delivery and starts it; the promise settles after the first attempt (retries go on in the background). */
  send(event: StoredEvent): { delivery: Delivery; firstAttempt: Promise<void> } {
    const delivery: Delivery = {
      id: newId("whd"),
      eventId: event.id,
      type: event.type,
      payload: event.payload,
      signature: signatureHeader(event.payload, this.secret),
      event: JSON.parse(event.payload),
      state: this.url === undefined ? "no_endpoint" : "pending",
      attempts: [],
    };
    this.deliveries.push(delivery);
    const firstAttempt = this.url === undefined ? Promise.resolve() : this.attempt(this.url, delivery);
    return { delivery, firstAttempt };
  }

  private async attempt(url: string, delivery: Delivery): Promise<void> {
    if (this.closed) return;
    const signature = signatureHeader(delivery.payload, this.secret);
    const record: DeliveryAttempt = { at: new Date().toISOString(), signature, status: null, error: null };
    delivery.signature = signature;
    delivery.attempts.push(record);
    const abort = new AbortController();
    this.inFlight.add(abort);
    const timeout = setTimeout(() => abort.abort(new Error("timed out")), ATTEMPT_TIMEOUT_MS);
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": signature,
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        },
        body: delivery.payload,
        signal: abort.signal,
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      record.error =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    } finally {
      clearTimeout(timeout);
      this.inFlight.delete(abort);
    }
    if (record.status !== null && record.status >= 200 && record.status < 300) {
      delivery.state = "delivered";
      return;
    }
    const delay = RETRY_DELAYS_MS[delivery.attempts.length - 1];
    if (delay === undefined || this.closed) {
      delivery.state = "failed";
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(url, delivery);
    }, delay);
    this.timers.add(timer);
  }

  reset(): void {
    this.stopRetries();
    this.deliveries.length = 0;
  }

  close(): void {
    this.closed = true;
    this.stopRetries();
    for (const abort of this.inFlight) abort.abort(new Error("stripe fake closed"));
  }

  private stopRetries(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
