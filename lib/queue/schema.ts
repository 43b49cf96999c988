import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Events a consumer could not apply, by event id. A row appears at the event's
 * first failed attempt, so its last error survives (a queue message cannot
 * carry it to the dead-letter queue); it is a dead letter once `deadAt` is set,
 * and a retry that succeeds before then removes it. Replays keep the row.
 */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    /** The message body as it arrived, sent again as it is on replay. */
    envelope: text("envelope", { mode: "json" }).$type<unknown>().notNull(),
    /** The inbox queue it failed on. */
    queue: text("queue").notNull(),
    /** Failed deliveries of its latest run (a replay starts a new run); 0 when none could be noted. */
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    firstFailedAt: integer("first_failed_at").notNull(),
    deadAt: integer("dead_at"),
    replayedAt: integer("replayed_at"),
    replayCount: integer("replay_count").notNull().default(0),
  },
  (t) => [index("dead_letters_dead_idx").on(t.deadAt, t.id)],
);
