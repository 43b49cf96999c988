import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { type NotificationPreferences, OPTIONAL_KINDS, type OptionalKind } from "#lib/contracts/api/notifications.ts";
import { preferences } from "../db/schema.ts";

/** Every optional kind, on unless the user turned it off. */
export async function getPreferences(db: DrizzleD1Database, userId: string): Promise<NotificationPreferences> {
  const rows = await db.select().from(preferences).where(eq(preferences.userId, userId));
  const set = new Map(rows.map((r) => [r.kind, r.enabled]));
  const kinds = Object.fromEntries(OPTIONAL_KINDS.map((kind) => [kind, set.get(kind) ?? true]));
  return { kinds: kinds as NotificationPreferences["kinds"] };
}

/** Sets the kinds given (the schema admits optional kinds only); the others keep their setting. */
export async function setPreferences(
  db: DrizzleD1Database,
  userId: string,
  kinds: Partial<Record<OptionalKind, boolean>>,
): Promise<NotificationPreferences> {
  const values = Object.entries(kinds).map(([kind, enabled]) => ({
    userId,
    kind: kind as OptionalKind,
    enabled: enabled === true,
  }));
  if (values.length) {
    await db
      .insert(preferences)
      .values(values)
      .onConflictDoUpdate({ target: [preferences.userId, preferences.kind], set: { enabled: sql`excluded.enabled` } });
  }
  return getPreferences(db, userId);
}
