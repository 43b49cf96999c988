import { and, eq, inArray, isNull, lt, or } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { log } from "#lib/http/log.ts";
import { webhookDeliveries } from "./schema.ts";

/** One message of the vendor-webhooks queue: a delivery to send (of its current round), or the sweeper's tick. */
export type WebhookMessage = { deliveryId: string; round: number } | { sweep: true };

/** A pending delivery whose message should have arrived this long ago is taken for lost (beyond the 300 s retry cap). */
export const LEASE_GRACE_MS = 10 * 60_000;
const CLAIM_LIMIT = 100;

/** Arms the sweeper; call before a batch that may add deliveries. */
export function armWebhookSweeper(env: Env): Promise<void> {
  return env.WEBHOOK_SWEEPER.get(env.WEBHOOK_SWEEPER.idFromName("webhooks")).arm();
}

/**
 * Puts pending deliveries on the vendor-webhooks queue, one message each: those
 * never enqueued and those whose lease ran out. Claiming is one conditional
 * UPDATE, so two dispatchers never enqueue the same delivery. Never throws;
 * answers how many it enqueued.
 */
export async function dispatchPending(env: Env, db: DrizzleD1Database, now = Date.now()): Promise<number> {
  let sent = 0;
  try {
    for (;;) {
      const due = db
        .select({ id: webhookDeliveries.id })
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.status, "pending"),
            or(isNull(webhookDeliveries.dueAt), lt(webhookDeliveries.dueAt, now - LEASE_GRACE_MS)),
          ),
        )
        .limit(CLAIM_LIMIT);
      const claimed = await db
        .update(webhookDeliveries)
        .set({ dueAt: now })
        .where(inArray(webhookDeliveries.id, due))
        .returning({ id: webhookDeliveries.id, round: webhookDeliveries.round });
      if (claimed.length === 0) return sent;
      try {
        await env.WEBHOOKS.sendBatch(
          claimed.map(({ id, round }) => ({ body: { deliveryId: id, round } satisfies WebhookMessage })),
        );
      } catch (error) {
        // Give the claim back, so the next sweep sends them.
        const ids = claimed.map((c) => c.id);
        await db.update(webhookDeliveries).set({ dueAt: null }).where(inArray(webhookDeliveries.id, ids));
        throw error;
      }
      sent += claimed.length;
      if (claimed.length < CLAIM_LIMIT) return sent;
    }
  } catch (error) {
    log("error", "notifications", { msg: "webhook dispatch failed", error: String(error) });
    return sent;
  }
}

/** The sweeper's tick: send what was left behind; stay armed while anything is pending. */
export async function sweep(env: Env, db: DrizzleD1Database): Promise<void> {
  const sent = await dispatchPending(env, db);
  const [pending] = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.status, "pending"))
    .limit(1);
  if (pending) await armWebhookSweeper(env);
  if (sent > 0) log("warn", "notifications", { msg: "webhook sweep re-enqueued deliveries", sent });
}
