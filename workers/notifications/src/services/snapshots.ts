import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Order } from "#lib/contracts/api/orders.ts";
import { snapshots } from "../db/schema.ts";

type Entity = (typeof snapshots.$inferSelect)["entity"];

/** Whether this version is newer than the copy kept (or there is none). */
export async function isNewer(db: DrizzleD1Database, entity: Entity, id: string, version: number): Promise<boolean> {
  const [kept] = await db
    .select({ version: snapshots.version })
    .from(snapshots)
    .where(and(eq(snapshots.entity, entity), eq(snapshots.id, id)));
  return !kept || kept.version < version;
}

/** Keeps this copy unless a newer one got there first (two deliveries racing). */
export function keepSnapshot(
  db: DrizzleD1Database,
  entity: Entity,
  id: string,
  version: number,
  userId: string,
  data: unknown,
) {
  return db
    .insert(snapshots)
    .values({ entity, id, version, userId, data })
    .onConflictDoUpdate({
      target: [snapshots.entity, snapshots.id],
      set: { version, userId, data },
      setWhere: sql`excluded.version > ${snapshots.version}`,
    });
}

export async function storedOrder(db: DrizzleD1Database, orderId: string) {
  const [row] = await db
    .select()
    .from(snapshots)
    .where(and(eq(snapshots.entity, "order"), eq(snapshots.id, orderId)));
  return row ? { userId: row.userId, data: row.data as Order } : undefined;
}
