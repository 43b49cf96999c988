import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { DeadLetter } from "#lib/contracts/api/dead-letters.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { processedEvents } from "#lib/outbox/schema.ts";
import { deadLetters } from "./schema.ts";

type Row = typeof deadLetters.$inferSelect;

/** Dead letters with when (if ever) the consumer applied the event: processed_events is the one record of that. */
function withProcessed(db: DrizzleD1Database) {
  return db
    .select({ letter: deadLetters, processedAt: processedEvents.processedAt })
    .from(deadLetters)
    .leftJoin(processedEvents, eq(processedEvents.id, deadLetters.id));
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function toDeadLetter({ letter, processedAt }: { letter: Row; processedAt: number | null }): DeadLetter {
  return {
    id: letter.id,
    type: letter.type,
    queue: letter.queue,
    envelope: letter.envelope,
    attempts: letter.attempts,
    lastError: letter.lastError,
    firstFailedAt: new Date(letter.firstFailedAt).toISOString(),
    deadAt: new Date(letter.deadAt ?? letter.firstFailedAt).toISOString(),
    replayedAt: iso(letter.replayedAt),
    replayCount: letter.replayCount,
    processedAt: iso(processedAt),
  };
}

/** Newest death first, by `deadAt` then id, since deaths share no order with ids. */
export async function listDeadLetters(db: DrizzleD1Database, limit: number, cursor?: string) {
  const list = keyset([deadLetters.deadAt, deadLetters.id], "desc", limit, cursor);
  const rows = await withProcessed(db)
    .where(and(isNotNull(deadLetters.deadAt), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, ({ letter }) => [letter.deadAt ?? 0, letter.id]);
  return { items: page.items.map(toDeadLetter), nextCursor: page.nextCursor };
}

async function findDeadLetter(db: DrizzleD1Database, id: string) {
  const [row] = await withProcessed(db).where(and(eq(deadLetters.id, id), isNotNull(deadLetters.deadAt)));
  if (!row) throw new ProblemError(404, "No dead letter with that event id.");
  return row;
}

/**
 * Sends a dead letter to its inbox again, as it arrived. The send comes before
 * the record of it: a replay recorded but never sent would mislead the operator,
 * while one sent twice is harmless (the consumer is idempotent by event id).
 */
export async function replayDeadLetter(db: DrizzleD1Database, inbox: Queue, id: string): Promise<DeadLetter> {
  const { letter } = await findDeadLetter(db, id);
  await inbox.send(letter.envelope, { contentType: "json" });
  await db
    .update(deadLetters)
    .set({ replayedAt: Date.now(), replayCount: sql`${deadLetters.replayCount} + 1` })
    .where(eq(deadLetters.id, id));
  return toDeadLetter(await findDeadLetter(db, id));
}
