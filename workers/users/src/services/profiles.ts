import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Profile } from "#lib/contracts/api/users.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { profiles } from "../db/schema.ts";

export async function getProfile(db: DrizzleD1Database, userId: string): Promise<Profile> {
  const [row] = await db.select().from(profiles).where(eq(profiles.id, userId));
  // The profile is created from the user.registered event, a moment after sign-up.
  if (!row)
    throw new ProblemError(404, "The profile is still being created; retry shortly.", {
      type: "profile-pending",
      headers: { "retry-after": "1" },
    });
  return row;
}

export async function updateProfile(
  db: DrizzleD1Database,
  userId: string,
  patch: { name?: string; phone?: string | null },
): Promise<Profile> {
  const [row] = await db
    .update(profiles)
    .set({ ...patch, updatedAt: new Date().toISOString() })
    .where(eq(profiles.id, userId))
    .returning();
  if (!row)
    throw new ProblemError(404, "The profile is still being created; retry shortly.", {
      type: "profile-pending",
      headers: { "retry-after": "1" },
    });
  return row;
}

export async function findProfile(db: DrizzleD1Database, by: { id: string } | { email: string }) {
  const where = "id" in by ? eq(profiles.id, by.id) : eq(profiles.email, by.email);
  const [row] = await db
    .select({ id: profiles.id, email: profiles.email, name: profiles.name })
    .from(profiles)
    .where(where);
  return row ?? null;
}
