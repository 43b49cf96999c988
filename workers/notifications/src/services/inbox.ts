import { and, count, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Notification } from "#lib/contracts/api/notifications.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { notifications } from "../db/schema.ts";

type Row = typeof notifications.$inferSelect;

/** The caller's notifications, newest first (ids sort by creation). */
export async function listInbox(
  db: DrizzleD1Database,
  userId: string,
  opts: { limit: number; cursor?: string; unread: boolean },
) {
  const list = keyset([notifications.id], "desc", opts.limit, opts.cursor);
  const mine = eq(notifications.userId, userId);
  const [rows, [unread]] = await Promise.all([
    db
      .select()
      .from(notifications)
      .where(and(mine, opts.unread ? isNull(notifications.readAt) : undefined, list.after))
      .orderBy(...list.orderBy)
      .limit(list.fetch),
    db
      .select({ n: count() })
      .from(notifications)
      .where(and(mine, isNull(notifications.readAt))),
  ]);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map(toNotification), nextCursor: page.nextCursor, unreadCount: unread?.n ?? 0 };
}

/** Another user's notification is indistinguishable from a missing one. */
export async function markRead(db: DrizzleD1Database, userId: string, id: string): Promise<Notification> {
  const mine = and(eq(notifications.id, id), eq(notifications.userId, userId));
  const [row] = await db
    .update(notifications)
    .set({ readAt: new Date().toISOString() })
    .where(and(mine, isNull(notifications.readAt)))
    .returning();
  if (row) return toNotification(row);
  const [already] = await db.select().from(notifications).where(mine);
  if (!already) throw new ProblemError(404, "No such notification.");
  return toNotification(already);
}

export async function markAllRead(db: DrizzleD1Database, userId: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date().toISOString() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}

function toNotification({ userId: _userId, key: _key, ...item }: Row): Notification {
  return item;
}
