import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { AccountUser } from "#lib/contracts/api/auth.ts";
import { PasswordResetRequested } from "#lib/contracts/events/auth.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { outbox } from "#lib/outbox/schema.ts";
import { emailTokens, users } from "../db/schema.ts";
import { toAccountUser } from "./accounts.ts";
import { claimEmailToken, invalidToken, newEmailToken, verificationLink } from "./email-tokens.ts";
import { hashPassword } from "./passwords.ts";
import { revokeAllOf } from "./tokens.ts";

export interface LinkConfig {
  verifyTtlSeconds: number;
  resetTtlSeconds: number;
}

/** Spends a verification token; the account's email is verified from then on. */
export async function verifyEmail(db: DrizzleD1Database, token: string): Promise<AccountUser> {
  const userId = await claimEmailToken(db, "verify", token);
  const [row] = await db.update(users).set(verifiedNow()).where(eq(users.id, userId)).returning();
  if (!row) throw invalidToken();
  return toAccountUser(row);
}

/** Mails a new verification link, unless the email is verified already. */
export async function resendVerification(
  db: DrizzleD1Database,
  userId: string,
  ttlSeconds: number,
  traceId: string,
): Promise<void> {
  const [row] = await db.select().from(users).where(eq(users.id, userId));
  if (!row || row.emailVerifiedAt !== null) return;
  await db.batch(await verificationLink(db, row, ttlSeconds, traceId));
}

/**
 * Mails a reset link when an account has this email. An unknown email takes
 * the same steps (a token made and hashed, an event built, one look-up and one
 * batch of three statements, reads in place of the writes), so neither the
 * answer nor its timing tells whether the email is registered.
 */
export async function requestPasswordReset(
  db: DrizzleD1Database,
  email: string,
  ttlSeconds: number,
  traceId: string,
): Promise<void> {
  const [row] = await db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(eq(users.email, email));
  const account = row ?? { id: "usr_none", email, name: "" };
  const link = await newEmailToken(db, "reset", account.id, ttlSeconds);
  const event = buildEvent(
    PasswordResetRequested,
    { userId: account.id, email: account.email, name: account.name, token: link.token, expiresAt: link.expiresAt },
    { source: "auth", traceId },
  );
  if (row) {
    await db.batch([link.retire, link.store, stageEvent(db, event)]);
  } else {
    await db.batch([
      link.retire,
      db.select({ hash: emailTokens.hash }).from(emailTokens).where(eq(emailTokens.hash, event.id)),
      db.select({ id: outbox.id }).from(outbox).where(eq(outbox.id, event.id)),
    ]);
  }
}

/**
 * Spends a reset token, then sets the password, verifies the email (the owner
 * read the mail) and revokes every refresh token, so every session must sign in
 * again. The password is hashed only after the token is spent: a bad token
 * costs no Argon2 run.
 */
export async function confirmPasswordReset(db: DrizzleD1Database, token: string, newPassword: string): Promise<void> {
  const userId = await claimEmailToken(db, "reset", token);
  await db.batch([
    db
      .update(users)
      .set({ passwordHash: hashPassword(newPassword), ...verifiedNow() })
      .where(eq(users.id, userId)),
    revokeAllOf(db, userId),
  ]);
}

function verifiedNow() {
  const now = new Date().toISOString();
  return { emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`, updatedAt: now };
}
