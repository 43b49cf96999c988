import { and, asc, isNull, lt, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { z } from "zod";
import type { EventDefinition, EventEnvelope, EventOf } from "#lib/contracts/events/envelope.ts";
import { type InboxBinding, inboxesFor } from "#lib/contracts/events/routing.ts";
import { newId } from "#lib/contracts/ids.ts";
import { inList } from "#lib/db/in-list.ts";
import { log, workerName } from "#lib/http/log.ts";
import { outbox } from "./schema.ts";

export type OutboxEnv = Partial<Record<InboxBinding, Queue>>;

/** Builds an event, parsing its data with the event's own schema so no malformed event leaves. */
export function buildEvent<E extends EventDefinition<string, z.ZodType>>(
  def: E,
  data: z.input<E["data"]>,
  meta: { source: string; traceId: string },
): EventOf<E> {
  return {
    id: newId("event"),
    type: def.type,
    version: def.version,
    occurredAt: new Date().toISOString(),
    source: meta.source,
    traceId: meta.traceId,
    data: def.data.parse(data) as z.output<E["data"]>,
  };
}

/** The insert to put in the same `db.batch` as the state change. */
export function stageEvent(db: DrizzleD1Database, event: EventEnvelope) {
  return db.insert(outbox).values({ id: event.id, type: event.type, envelope: event, createdAt: Date.now() });
}

/** Sends one event to every inbox queue that wants it (the routing table), for D1 and Durable Object outboxes alike. */
export async function sendToInboxes(env: OutboxEnv, event: EventEnvelope): Promise<void> {
  await Promise.all(
    inboxesFor(event.type).map((binding) => {
      const queue = env[binding];
      if (!queue) throw new Error(`no queue bound as ${binding} for ${event.type}`);
      return queue.send(event, { contentType: "json" });
    }),
  );
}

/**
 * Sends unsent events to their inbox queues and marks them sent. Safe to run
 * concurrently or twice: delivery is at least once and consumers are idempotent.
 * Returns how many events are still unsent.
 */
export async function publishPending(
  env: OutboxEnv,
  db: DrizzleD1Database,
  opts: { olderThanMs?: number; limit?: number } = {},
): Promise<number> {
  const cutoff = Date.now() - (opts.olderThanMs ?? 0);
  const rows = await db
    .select()
    .from(outbox)
    .where(and(isNull(outbox.sentAt), lt(outbox.createdAt, cutoff + 1)))
    .orderBy(asc(outbox.createdAt))
    .limit(opts.limit ?? 100);
  const sent: string[] = [];
  const failed: string[] = [];
  await Promise.all(
    rows.map(async (row) => {
      try {
        await sendToInboxes(env, row.envelope as EventEnvelope);
        sent.push(row.id);
      } catch (error) {
        log("error", workerName(), { msg: "outbox publish failed", eventId: row.id, error: String(error) });
        failed.push(row.id);
      }
    }),
  );
  if (sent.length) await db.update(outbox).set({ sentAt: Date.now() }).where(inList(outbox.id, sent));
  if (failed.length) {
    await db
      .update(outbox)
      .set({ attempts: sql`${outbox.attempts} + 1` })
      .where(inList(outbox.id, failed));
  }
  const [left] = await db.select({ n: sql<number>`count(*)` }).from(outbox).where(isNull(outbox.sentAt));
  return left?.n ?? 0;
}
