import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { AccountUser } from "#lib/contracts/api/auth.ts";
import { UserRegistered } from "#lib/contracts/events/auth.ts";
import { newId } from "#lib/contracts/ids.ts";
import type { Account } from "#lib/contracts/rpc.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { users } from "../db/schema.ts";
import { verificationLink } from "./email-tokens.ts";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.ts";
import { revokeAllOf } from "./tokens.ts";

type UserRow = typeof users.$inferSelect;

/** Creates the account and stages `user.registered` and the verification link in the same batch. */
export async function registerAccount(
  db: DrizzleD1Database,
  input: { email: string; password: string; name: string },
  traceId: string,
  verifyTtlSeconds: number,
): Promise<AccountUser> {
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email));
  if (existing) throw new ProblemError(409, "An account with this email already exists.", { type: "email-taken" });
  const now = new Date().toISOString();
  const row: UserRow = {
    id: newId("user"),
    email: input.email,
    name: input.name,
    passwordHash: hashPassword(input.password),
    roles: ["customer"],
    emailVerifiedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const event = buildEvent(
    UserRegistered,
    { userId: row.id, email: row.email, name: row.name },
    { source: "auth", traceId },
  );
  try {
    const link = await verificationLink(db, row, verifyTtlSeconds, traceId);
    await db.batch([db.insert(users).values(row), stageEvent(db, event), ...link]);
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "users.email")) {
      throw new ProblemError(409, "An account with this email already exists.", { type: "email-taken" });
    }
    throw error;
  }
  return toAccountUser(row);
}

export async function authenticate(db: DrizzleD1Database, email: string, password: string): Promise<UserRow> {
  const [row] = await db.select().from(users).where(eq(users.email, email));
  const ok = verifyPassword(password, row?.passwordHash ?? DUMMY_HASH);
  if (!row || !ok) throw new ProblemError(401, "Wrong email or password.", { type: "invalid-credentials" });
  return row;
}

/** Changing the password signs out every session of the account. */
export async function changePassword(
  db: DrizzleD1Database,
  userId: string,
  current: string,
  next: string,
): Promise<void> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row) throw new ProblemError(404, "No such account.");
  if (!verifyPassword(current, row.passwordHash)) {
    throw new ProblemError(422, "The current password is wrong.", {
      type: "wrong-password",
      errors: [{ path: "currentPassword", message: "Wrong password." }],
    });
  }
  await db.batch([
    db
      .update(users)
      .set({ passwordHash: hashPassword(next), updatedAt: new Date().toISOString() })
      .where(eq(users.id, userId)),
    revokeAllOf(db, userId),
  ]);
}

export async function findAccount(db: DrizzleD1Database, userId: string): Promise<Account | null> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, userId));
  return row ?? null;
}

/** Accounts with the admin role (a handful: the roles column is scanned). */
export function adminAccounts(db: DrizzleD1Database): Promise<Account[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name, createdAt: users.createdAt })
    .from(users)
    .where(sql`EXISTS (SELECT 1 FROM json_each(${users.roles}) WHERE value = 'admin')`);
}

export function toAccountUser(row: UserRow): AccountUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: row.roles,
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt,
  };
}
