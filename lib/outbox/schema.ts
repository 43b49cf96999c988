import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Events written in the same D1 batch as the state change that caused them. */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    envelope: text("envelope", { mode: "json" }).notNull(),
    createdAt: integer("created_at").notNull(),
    sentAt: integer("sent_at"),
    attempts: integer("attempts").notNull().default(0),
  },
  (t) => [index("outbox_unsent_idx").on(t.sentAt, t.createdAt)],
);

/** Ids of consumed events, recorded in the same batch as their effect. */
export const processedEvents = sqliteTable("processed_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  processedAt: integer("processed_at").notNull(),
});
