// Locally, a crash loses every message waiting in a queue: Miniflare's queue broker keeps them in memory only
// (miniflare/dist/src/index.js: "Miniflare's Queue broker is in-memory only at the moment"), while Cloudflare Queues
// keep a message once `send` has resolved. The outboxes rightly mark an event sent at that point, so nothing in the
// marketplace sends it again. To test the marketplace rather than the local broker, the suite finds what the broker
// lost and gives it back through the queue tap, as a durable queue would have delivered it, and says so in the
// journal. Everything it gives back is safe to deliver twice, so a message that was merely slow does no harm.
import { newId } from "#lib/contracts/ids.ts";
import { type Domain, type LocalState, OUTBOX_DOMAINS } from "./local-db.ts";

type InboxBinding = string;

// The marketplace's own routing table (event type → inboxes), loaded at run time: its module imports the event
// schemas, whose types need the Workers runtime types this Node-typed suite does not load.
const ROUTING = new URL("../../lib/contracts/events/routing.ts", import.meta.url).href;
const { inboxesFor } = (await import(ROUTING)) as { inboxesFor(type: string): readonly InboxBinding[] };

/**
 * Each inbox this suite checks: its queue, and the database whose processed_events records what its consumer
 * applied. The suite follows the money path; inboxes not listed here are not given back after a crash.
 */
const INBOXES: Partial<Record<InboxBinding, { queue: string; consumer: Domain }>> = {
  INBOX_USERS: { queue: "users-inbox", consumer: "users" },
  INBOX_CATALOG: { queue: "catalog-inbox", consumer: "catalog" },
  INBOX_ORDERS: { queue: "orders-inbox", consumer: "orders" },
  INBOX_PAYMENTS: { queue: "payments-inbox", consumer: "payments" },
};

/**
 * How long before the crash a message may have been sent and still be waiting: batches wait up to 1 s, retries back
 * off 2, 4, 8… s. Older unconsumed events were not lost in this crash (a dead-lettered one, say) and are left alone.
 */
const IN_FLIGHT_MS = 60_000;

export interface LostMessage {
  queue: string;
  type: string;
  eventId: string;
  /** Where it came from: a D1 outbox row (the same envelope, same id), or an Order object's latest state. */
  from: string;
  body: unknown;
}

/** What this needs of the Order object's stored state (durable-objects/order.ts). */
interface OrderState {
  userId: string;
  version: number;
  rejected: boolean;
  order: { updatedAt: string };
  traceId: string;
}

/**
 * Messages the crash took from the queues:
 * - events a D1 outbox marked sent shortly before `crashedAt` that their inbox's consumer never recorded;
 * - Order objects whose newest version never reached the orders read model, with no outbox entry left to send it:
 *   their latest `order.updated` (both its consumers act on the order's state, by version, so a copy is safe).
 */
export function lostInQueues(local: LocalState, crashedAt: number): LostMessage[] {
  const lost: LostMessage[] = [];
  const processed = new Map<Domain, Set<string>>();
  const seen = (domain: Domain) => {
    let ids = processed.get(domain);
    if (!ids) {
      ids = new Set(local.query<{ id: string }>(domain, "SELECT id FROM processed_events").map((r) => r.id));
      processed.set(domain, ids);
    }
    return ids;
  };
  for (const domain of OUTBOX_DOMAINS) {
    const sent = local.query<{ id: string; type: string; envelope: string }>(
      domain,
      "SELECT id, type, envelope FROM outbox WHERE sent_at BETWEEN ? AND ?",
      crashedAt - IN_FLIGHT_MS,
      crashedAt,
    );
    for (const row of sent) {
      for (const binding of inboxesFor(row.type)) {
        const inbox = INBOXES[binding];
        if (inbox && !seen(inbox.consumer).has(row.id))
          lost.push({
            queue: inbox.queue,
            type: row.type,
            eventId: row.id,
            from: `${domain} outbox`,
            body: JSON.parse(row.envelope),
          });
      }
    }
  }
  const pending = new Set(local.durableObjectEntries("orders-Order", "outbox:").map((e) => e.object));
  const projected = new Map(
    local
      .query<{ id: string; version: number }>("orders", "SELECT id, version FROM orders")
      .map((r) => [r.id, r.version]),
  );
  for (const { object, value } of local.durableObjectEntries("orders-Order", "state")) {
    const state = value as OrderState;
    if (state.rejected || pending.has(object) || (projected.get(object) ?? 0) >= state.version) continue;
    if (Date.parse(state.order.updatedAt) < crashedAt - IN_FLIGHT_MS) continue;
    // The envelope the Order object's outbox would have sent (lib/outbox: buildEvent); its consumers parse it.
    const event = {
      id: newId("event"),
      type: "order.updated",
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "orders",
      traceId: state.traceId,
      data: { version: state.version, userId: state.userId, order: state.order },
    };
    for (const binding of inboxesFor(event.type)) {
      const inbox = INBOXES[binding];
      if (!inbox) continue;
      lost.push({
        queue: inbox.queue,
        type: event.type,
        eventId: event.id,
        from: `order ${object} v${state.version}`,
        body: event,
      });
    }
  }
  return lost;
}

/** Puts each message back on its queue through the tap (a Worker in a `wrangler dev` of its own, see queue-tap/). */
export async function giveBack(tapUrl: string, messages: LostMessage[]): Promise<void> {
  for (const m of messages) {
    const res = await fetch(tapUrl, { method: "POST", body: JSON.stringify({ queue: m.queue, body: m.body }) });
    if (!res.ok) throw new Error(`queue tap: ${res.status} ${await res.text()}`);
  }
}
