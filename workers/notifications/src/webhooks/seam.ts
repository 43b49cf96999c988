import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { WebhookEventKind } from "#lib/contracts/api/vendor-webhooks.ts";
import { newId } from "#lib/contracts/ids.ts";
// The table, named apart from the function below that fills it.
import { webhookDeliveries as deliveries, webhookEndpoints } from "./schema.ts";

export interface WebhookEvent {
  vendorId: string;
  kind: WebhookEventKind;
  /** The event's object as the vendor sees it (JSON). */
  data: Record<string, unknown>;
  /** Unique per event and kind, e.g. the consumed domain event's id: a second call with it adds nothing. */
  key: string;
}

/**
 * The statements that queue one webhook delivery of this event to each active
 * endpoint of the vendor subscribed to its kind; run them in the consumer's
 * batch. After the batch commits, the queue handler puts them on the
 * vendor-webhooks queue. The payload is `{ id, type, createdAt, data }`, `id`
 * being the same on every attempt.
 *
 * @example
 * // in a Consumer's effect, beside the inbox row:
 * return [
 *   db.insert(inbox).values(…),
 *   ...(await webhookDeliveries(db, {
 *     vendorId: subOrder.vendorId,
 *     kind: "sub_order.paid",
 *     data: { subOrderId: subOrder.id, orderId: order.id, total: subOrder.total, currency: order.currency },
 *     key: event.id,
 *   })),
 * ];
 */
export async function webhookDeliveries(
  db: DrizzleD1Database,
  { vendorId, kind, data, key }: WebhookEvent,
): Promise<BatchItem<"sqlite">[]> {
  const endpoints = await db
    .select({ id: webhookEndpoints.id, events: webhookEndpoints.events })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.vendorId, vendorId), eq(webhookEndpoints.active, true)));
  const subscribed = endpoints.filter((endpoint) => endpoint.events.includes(kind));
  const eventId = newId("webhookEvent");
  const createdAt = new Date().toISOString();
  const payload = JSON.stringify({ id: eventId, type: kind, createdAt, data });
  return subscribed.map((endpoint) =>
    db
      .insert(deliveries)
      .values({
        id: newId("webhookDelivery"),
        vendorId,
        endpointId: endpoint.id,
        eventId,
        kind,
        key,
        payload,
        status: "pending",
        createdAt,
      })
      .onConflictDoNothing({ target: [deliveries.endpointId, deliveries.key] }),
  );
}
