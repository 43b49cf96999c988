import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { JWK } from "jose";
import type { Role } from "#lib/contracts/actor.ts";

export { outbox } from "#lib/outbox/schema.ts";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** Roles granted here (customer, admin); the vendor role comes from the vendors Worker at issue time. */
  roles: text("roles", { mode: "json" }).$type<Role[]>().notNull(),
  /** When the owner proved the mailbox (a verification link, or a password reset). */
  emailVerifiedAt: text("email_verified_at"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Opaque refresh tokens, stored hashed; a family is one sign-in and its rotations. */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    familyId: text("family_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId), index("refresh_tokens_user_idx").on(t.userId)],
);

/**
 * Single-use links mailed to an account (verify the email, reset the password).
 * Only the SHA-256 of the token is kept; the token itself travels in the event to the mailer.
 */
export const emailTokens = sqliteTable(
  "email_tokens",
  {
    hash: text("hash").primaryKey(),
    purpose: text("purpose", { enum: ["verify", "reset"] }).notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [index("email_tokens_user_idx").on(t.userId, t.purpose)],
);

/** JWT signing keys; the private half is encrypted with KEY_ENCRYPTION_SECRET. */
export const signingKeys = sqliteTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull(),
  publicJwk: text("public_jwk", { mode: "json" }).$type<JWK>().notNull(),
  privateJwkSealed: text("private_jwk_sealed").notNull(),
  createdAt: integer("created_at").notNull(),
  retiredAt: integer("retired_at"),
});
