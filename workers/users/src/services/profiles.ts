import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Profile } from "#lib/contracts/api/users.ts";
import { type Account, type AuthRpc, rpc } from "#lib/contracts/rpc.ts";
import { log } from "#lib/http/log.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { profiles } from "../db/schema.ts";

/** The row a new account's profile starts as, whether user.registered or a first read creates it. */
export function newProfile(account: Account): typeof profiles.$inferInsert {
  const { id, email, name, createdAt } = account;
  return { id, email, name, createdAt, updatedAt: createdAt };
}

/**
 * The caller's profile. Before user.registered has arrived it is created from
 * auth's account (insert or ignore, so the event later changes nothing), so a
 * client may read it the moment registration answers.
 */
export async function getProfile(db: DrizzleD1Database, auth: Fetcher, userId: string): Promise<Profile> {
  const [row] = await db.select().from(profiles).where(eq(profiles.id, userId));
  if (row) return row;
  const created = await createFromAccount(db, auth, userId);
  if (!created) throw new ProblemError(404, "No such account.");
  return created;
}

export async function updateProfile(
  db: DrizzleD1Database,
  auth: Fetcher,
  userId: string,
  patch: { name?: string; phone?: string | null },
): Promise<Profile> {
  const update = () =>
    db
      .update(profiles)
      .set({ ...patch, updatedAt: new Date().toISOString() })
      .where(eq(profiles.id, userId))
      .returning();
  const [row] = await update();
  if (row) return row;
  await getProfile(db, auth, userId);
  const [updated] = await update();
  if (!updated) throw new ProblemError(404, "No such account.");
  return updated;
}

/** A profile's summary for other Workers; created from the account like `getProfile`, null if there is none. */
export async function profileSummary(db: DrizzleD1Database, auth: Fetcher, userId: string) {
  const found = await findProfile(db, { id: userId });
  if (found) return found;
  const created = await createFromAccount(db, auth, userId);
  return created && { id: created.id, email: created.email, name: created.name };
}

export async function findProfile(db: DrizzleD1Database, by: { id: string } | { email: string }) {
  const where = "id" in by ? eq(profiles.id, by.id) : eq(profiles.email, by.email);
  const [row] = await db
    .select({ id: profiles.id, email: profiles.email, name: profiles.name })
    .from(profiles)
    .where(where);
  return row ?? null;
}

/** Null when auth has no such account; a 503 when auth cannot say. */
async function createFromAccount(db: DrizzleD1Database, auth: Fetcher, userId: string): Promise<Profile | null> {
  let account: Account | null;
  try {
    account = await rpc<AuthRpc>(auth).account(userId);
  } catch (error) {
    log("error", "users", { msg: "auth could not look up the account", userId, error: String(error) });
    throw new ProblemError(503, "The profile cannot be created right now; retry shortly.", {
      headers: { "retry-after": "1" },
    });
  }
  if (!account) return null;
  await db.insert(profiles).values(newProfile(account)).onConflictDoNothing();
  // Read back rather than trust the insert: user.registered may have written the row a moment earlier.
  const [row] = await db.select().from(profiles).where(eq(profiles.id, userId));
  return row ?? null;
}
