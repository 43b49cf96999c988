import { createHmac, randomBytes } from "node:crypto";

export interface StoredEvent {
  id: string;
  type: string;
  created: number;
  payload: string;
}

/** Stripe's webhook signature: HMAC-SHA256 of "<timestamp>.<payload>" keyed with the endpoint secret. */
export function signature(secret: string, payload: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

/** Events in creation order, each delivered to the webhook URL (if any) with retries, and kept for tests. */
export class EventLog {
  readonly events: StoredEvent[] = [];
  private readonly secret: string;
  private readonly webhookUrl: string | undefined;

  constructor(secret: string, webhookUrl: string | undefined) {
    this.secret = secret;
    this.webhookUrl = webhookUrl;
  }

  emit(type: string, object: unknown, idempotencyKey: string | null): StoredEvent {
    const id = stripeId("evt");
    const created = Math.floor(Date.now() / 1000);
    const payload = JSON.stringify(
      {
        id,
        object: "event",
        api_version: "2026-10-28.acacia",
        created,
        livemode: false,
        pending_webhooks: 1,
        request: { id: stripeId("req"), idempotency_key: idempotencyKey },
        type,
        data: { object },
      },
      null,
      2,
    );
    const event = { id, type, created, payload };
    this.events.push(event);
    void this.deliver(event);
    return event;
  }

  signed(event: StoredEvent, timestamp?: number) {
    return { id: event.id, type: event.type, payload: event.payload, signature: signature(this.secret, event.payload, timestamp) };
  }

  async deliver(event: StoredEvent): Promise<void> {
    if (!this.webhookUrl) return;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const res = await fetch(this.webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": signature(this.secret, event.payload) },
          body: event.payload,
        });
        if (res.ok) return;
      } catch {
        // the receiver is not up yet; try again
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}
