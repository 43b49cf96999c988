// Stripe events, kept in creation order. Each one's payload is written once, so every delivery of it is byte-identical.
import { noSuch } from "./errors.ts";
import { ok, route } from "./router.ts";
import { newId, nowSeconds } from "./state.ts";

/** The API version of the stripe SDK this repository pins (stripe@23), stamped on events. */
export const API_VERSION = "2026-10-28.endive";

export interface StoredEvent {
  id: string;
  type: string;
  created: number;
  /** The exact JSON body Stripe would POST to a webhook endpoint. */
  payload: string;
}

/** The API request that caused an event; both null for events from outside the API (e.g. onboarding). */
export interface EventOrigin {
  requestId: string | null;
  idempotencyKey: string | null;
}

export interface EventFilter {
  /** An event type; a trailing `*` matches a prefix, as in Stripe's list API (`charge.*`). */
  type?: string;
  /** Events after this event id, or created at or after these unix seconds. */
  since?: string;
}

export class EventLog {
  private readonly events: StoredEvent[] = [];
  private readonly onEvent: (event: StoredEvent) => void;

  constructor(onEvent: (event: StoredEvent) => void) {
    this.onEvent = onEvent;
  }

  emit(
    type: string,
    object: object,
    origin: EventOrigin,
    extra: { previousAttributes?: object; account?: string } = {},
  ): StoredEvent {
    const id = newId("evt");
    const created = nowSeconds();
    const event = {
      id,
      object: "event",
      ...(extra.account ? { account: extra.account } : {}),
      api_version: API_VERSION,
      created,
      data: { object, ...(extra.previousAttributes ? { previous_attributes: extra.previousAttributes } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: origin.requestId, idempotency_key: origin.idempotencyKey },
      type,
    };
    // Stripe's payloads are pretty-printed with two spaces.
    const stored: StoredEvent = { id, type, created, payload: JSON.stringify(event, null, 2) };
    this.events.push(stored);
    this.onEvent(stored);
    return stored;
  }

  get(id: string): StoredEvent | undefined {
    return this.events.find((event) => event.id === id);
  }

  list(filter: EventFilter = {}): StoredEvent[] {
    let events = this.events;
    const { type, since } = filter;
    if (since) {
      if (since.startsWith("evt_")) {
        const index = events.findIndex((event) => event.id === since);
        events = index === -1 ? [] : events.slice(index + 1);
      } else {
        events = events.filter((event) => event.created >= Number(since));
      }
    }
    if (type) {
      const matches = type.endsWith("*") ? (t: string) => t.startsWith(type.slice(0, -1)) : (t: string) => t === type;
      events = events.filter((event) => matches(event.type));
    }
    return [...events];
  }

  reset(): void {
    this.events.length = 0;
  }
}

export const eventRoutes = [
  route("GET", "/v1/events/:id", (c) => {
    const event = c.fake.events.get(c.path.id);
    if (!event) throw noSuch("event", c.path.id);
    return ok(JSON.parse(event.payload));
  }),
];
