import { and, desc, eq, isNotNull, lt, or, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { DeadLetter } from "#lib/contracts/api/dead-letters.ts";
import { decodeCursor, encodeCursor } from "#lib/http/pagination.ts";
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

/** Newest death first; the cursor is the last row's `deadAt:id`, since deaths share no order with ids. */
export async function listDeadLetters(db: DrizzleD1Database, limit: number, cursor?: string) {
  const after = parseCursor(cursor);
  const rows = await withProcessed(db)
    .where(
      and(
        isNotNull(deadLetters.deadAt),
        after
          ? or(
              lt(deadLetters.deadAt, after.deadAt),
              and(eq(deadLetters.deadAt, after.deadAt), lt(deadLetters.id, after.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(deadLetters.deadAt), desc(deadLetters.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1)?.letter;
  return {
    items: items.map(toDeadLetter),
    nextCursor: rows.length > limit && last ? encodeCursor(`${last.deadAt}:${last.id}`) : null,
  };
}

function parseCursor(cursor: string | undefined): { deadAt: number; id: string } | undefined {
  const text = decodeCursor(cursor);
  if (text === undefined) return undefined;
  const match = /^(\d+):(.+)$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new ProblemError(400, "The cursor is not valid.", {
      type: "invalid-cursor",
      errors: [{ path: "cursor", message: "Not a cursor from this API." }],
    });
  }
  return { deadAt: Number(match[1]), id: match[2] };
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
