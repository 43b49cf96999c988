import { and, eq, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { z } from "zod";
import { type EventDefinition, EventEnvelope, type EventOf } from "#lib/contracts/events/envelope.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { log, setLogLevel } from "#lib/http/log.ts";
import { processedEvents } from "#lib/outbox/schema.ts";
import { noteFailure } from "./dead-letters.ts";
import { retryDelaySeconds } from "./retry.ts";
import { deadLetters } from "./schema.ts";

/** One consumed event type: the statements its effect needs, run in one batch with the dedupe record. */
export interface Consumer<E extends EventDefinition<string, z.ZodType> = EventDefinition<string, z.ZodType>> {
  event: E;
  effect(event: EventOf<E>, db: DrizzleD1Database): BatchItem<"sqlite">[] | Promise<BatchItem<"sqlite">[]>;
}

/** The vars of a consuming Worker that shape its queue handling; each Worker passes its own `env`. */
export interface QueueVars {
  LOG_LEVEL?: string;
  /** The first retry's delay, doubled on each later one. */
  QUEUE_RETRY_BASE_SECONDS?: string;
}

/**
 * Handles each message on its own, concurrently: a failing message is retried
 * alone (with backoff, then the dead-letter queue), never by throwing, which
 * would redeliver the whole batch. A duplicate delivery changes nothing.
 * Consumers must not rely on the order of messages within a batch.
 */
export async function consumeBatch(
  batch: MessageBatch<unknown>,
  db: DrizzleD1Database,
  consumers: readonly Consumer[],
  worker: string,
  vars: QueueVars = {},
): Promise<void> {
  setLogLevel(vars.LOG_LEVEL);
  const byType = new Map(consumers.map((c) => [c.event.type, c]));
  await Promise.all(batch.messages.map((message) => consumeOne(message, batch.queue, db, byType, worker, vars)));
}

async function consumeOne(
  message: Message<unknown>,
  queue: string,
  db: DrizzleD1Database,
  byType: Map<string, Consumer>,
  worker: string,
  vars: QueueVars,
) {
  const started = Date.now();
  const envelope = EventEnvelope.safeParse(message.body);
  const traceId = envelope.success ? envelope.data.traceId : null;
  const fields = { queue, messageId: message.id, attempts: message.attempts, traceId };
  try {
    if (!envelope.success) throw new Error("not an event envelope");
    const handler = byType.get(envelope.data.type);
    if (!handler) {
      log("warn", worker, { ...fields, msg: "no consumer for event type", type: envelope.data.type });
      message.ack();
      return;
    }
    const outcome = await applyOnce(db, handler, envelope.data, message.attempts);
    log("info", worker, {
      ...fields,
      route: `queue ${envelope.data.type}`,
      eventId: envelope.data.id,
      outcome,
      ms: Date.now() - started,
    });
    message.ack();
  } catch (error) {
    const delaySeconds = retryDelaySeconds(message.attempts, vars.QUEUE_RETRY_BASE_SECONDS);
    log("error", worker, { ...fields, msg: "event failed, retrying", error: String(error), delaySeconds });
    if (envelope.success)
      await noteFailure(
        db,
        { envelope: envelope.data, body: message.body, queue, attempts: message.attempts, error },
        worker,
      );
    message.retry({ delaySeconds });
  }
}

async function applyOnce(
  db: DrizzleD1Database,
  handler: Consumer,
  envelope: EventEnvelope,
  attempts: number,
): Promise<"applied" | "duplicate"> {
  const [seen] = await db
    .select({ id: processedEvents.id })
    .from(processedEvents)
    .where(eq(processedEvents.id, envelope.id));
  if (seen) return "duplicate";
  const event = { ...envelope, data: handler.event.data.parse(envelope.data) };
  const effect = await handler.effect(event, db);
  const record = db.insert(processedEvents).values({ id: envelope.id, type: envelope.type, processedAt: Date.now() });
  // A retry that succeeds drops the failure noted for it, unless it had died already (a replay keeps its dead letter).
  const recovered =
    attempts > 1
      ? [db.delete(deadLetters).where(and(eq(deadLetters.id, envelope.id), isNull(deadLetters.deadAt)))]
      : [];
  try {
    await db.batch([record, ...recovered, ...effect]);
  } catch (error) {
    // Two deliveries raced past the check: the loser's batch failed as a whole on the primary key.
    if (isConstraintViolation(error, "UNIQUE", "processed_events.id")) return "duplicate";
    throw error;
  }
  return "applied";
}
