import type { DrizzleD1Database } from "drizzle-orm/d1";
import { EventEnvelope } from "#lib/contracts/events/envelope.ts";
import { log, setLogLevel } from "#lib/http/log.ts";
import type { QueueVars } from "./consume.ts";
import { retryDelaySeconds } from "./retry.ts";
import { deadLetters } from "./schema.ts";

const DLQ_SUFFIX = "-dlq";
const MAX_ERROR_CHARS = 1000;

/** A consuming Worker's queue handler gets its inbox and that inbox's dead-letter queue, `<inbox>-dlq`. */
export function isDeadLetterQueue(queue: string): boolean {
  return queue.endsWith(DLQ_SUFFIX);
}

/**
 * Notes a failed attempt where the dead letter will be recorded: the queue
 * moves the message on unchanged, so its error can only travel this way.
 * A note that cannot be written is only logged: the retry matters more.
 */
export async function noteFailure(
  db: DrizzleD1Database,
  failure: { envelope: EventEnvelope; body: unknown; queue: string; attempts: number; error: unknown },
  worker: string,
): Promise<void> {
  const lastError = String(failure.error).slice(0, MAX_ERROR_CHARS);
  const { envelope, queue, attempts } = failure;
  try {
    await db
      .insert(deadLetters)
      .values({
        id: envelope.id,
        type: envelope.type,
        envelope: failure.body,
        queue,
        attempts,
        lastError,
        firstFailedAt: Date.now(),
      })
      .onConflictDoUpdate({ target: deadLetters.id, set: { queue, attempts, lastError } });
  } catch (error) {
    log("error", worker, { msg: "could not note a failed attempt", eventId: envelope.id, error: String(error) });
  }
}

/**
 * The dead-letter queue's consumer: records each message as a dead letter, one
 * row per event id however often it is delivered (a later death of a replayed
 * event moves `deadAt` on). A message that is not an event is kept under its
 * message id, so an operator still sees it.
 */
export async function recordDeadLetters(
  batch: MessageBatch<unknown>,
  db: DrizzleD1Database,
  worker: string,
  vars: QueueVars = {},
): Promise<void> {
  setLogLevel(vars.LOG_LEVEL);
  const inbox = batch.queue.slice(0, -DLQ_SUFFIX.length);
  await Promise.all(
    batch.messages.map(async (message) => {
      const envelope = EventEnvelope.safeParse(message.body);
      const id = envelope.success ? envelope.data.id : message.id;
      const type = envelope.success ? envelope.data.type : "(not an event envelope)";
      const deadAt = Date.now();
      try {
        await db
          .insert(deadLetters)
          .values({
            id,
            type,
            envelope: message.body,
            queue: inbox,
            firstFailedAt: message.timestamp.getTime(),
            deadAt,
          })
          .onConflictDoUpdate({ target: deadLetters.id, set: { deadAt } });
        log("warn", worker, {
          queue: batch.queue,
          messageId: message.id,
          eventId: id,
          type,
          msg: "dead letter recorded",
        });
        message.ack();
      } catch (error) {
        const delaySeconds = retryDelaySeconds(message.attempts, vars.QUEUE_RETRY_BASE_SECONDS);
        log("error", worker, {
          queue: batch.queue,
          messageId: message.id,
          eventId: id,
          msg: "dead letter not recorded, retrying",
          error: String(error),
          delaySeconds,
        });
        message.retry({ delaySeconds });
      }
    }),
  );
}
