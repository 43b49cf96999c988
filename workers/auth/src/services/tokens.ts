import { and, eq, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { base64url, SignJWT } from "jose";
import type { Role } from "#lib/contracts/actor.ts";
import type { TokenPair } from "#lib/contracts/api/auth.ts";
import { newId } from "#lib/contracts/ids.ts";
import type { Membership } from "#lib/contracts/rpc.ts";
import { sha256Hex } from "#lib/crypto.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { refreshTokens, users } from "../db/schema.ts";
import { ALG, activeKey } from "./signing-keys.ts";

export interface TokenConfig {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  keySecret: string;
  /** The vendor the user belongs to (vendors Worker), read at every issue so approval and suspension show up on refresh. */
  membership: (userId: string) => Promise<Membership | null>;
}

type Account = Pick<typeof users.$inferSelect, "id" | "roles">;

/** A fresh sign-in: a new refresh-token family. */
export function issueTokens(db: DrizzleD1Database, config: TokenConfig, account: Account): Promise<TokenPair> {
  return issue(db, config, account, newId("tokenFamily"));
}

/**
 * Exchanges a refresh token for a new pair. A token is good once: presenting a
 * spent one means it leaked, so its whole family is revoked.
 */
export async function rotateRefreshToken(
  db: DrizzleD1Database,
  config: TokenConfig,
  token: string,
): Promise<TokenPair> {
  const [row] = await db
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(token)));
  if (!row || row.revokedAt !== null || row.expiresAt <= Date.now()) {
    throw new ProblemError(401, "The refresh token is not valid; sign in again.", { type: "refresh-token-invalid" });
  }
  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: Date.now() })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)));
  if (claimed.meta.changes !== 1) {
    await revokeFamily(db, row.familyId);
    throw new ProblemError(401, "This refresh token was already used; every session of this sign-in is now revoked.", {
      type: "refresh-token-reused",
    });
  }
  const [account] = await db.select().from(users).where(eq(users.id, row.userId));
  if (!account) throw new ProblemError(401, "The account no longer exists.", { type: "refresh-token-invalid" });
  return issue(db, config, account, row.familyId);
}

export async function revokeRefreshToken(db: DrizzleD1Database, token: string): Promise<void> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, await sha256Hex(token)));
  if (row) await revokeFamily(db, row.familyId);
}

export function revokeFamily(db: DrizzleD1Database, familyId: string) {
  return db
    .update(refreshTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

export function revokeAllOf(db: DrizzleD1Database, userId: string) {
  return db
    .update(refreshTokens)
    .set({ revokedAt: Date.now() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
}

async function issue(
  db: DrizzleD1Database,
  config: TokenConfig,
  account: Account,
  familyId: string,
): Promise<TokenPair> {
  const key = await activeKey(db, config.keySecret);
  const membership = await config.membership(account.id);
  const vendor = membership?.status === "approved" ? membership : null;
  const roles: Role[] = vendor ? [...account.roles, "vendor"] : account.roles;
  const accessToken = await new SignJWT({ roles, ...(vendor ? { vid: vendor.vendorId } : {}) })
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: "at+jwt" })
    .setSubject(account.id)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(`${config.accessTtlSeconds}s`)
    .setJti(crypto.randomUUID())
    .sign(key.privateKey);
  const refreshToken = randomToken();
  const now = Date.now();
  await db.insert(refreshTokens).values({
    id: newId("refreshToken"),
    tokenHash: await sha256Hex(refreshToken),
    familyId,
    userId: account.id,
    createdAt: now,
    expiresAt: now + config.refreshTtlSeconds * 1000,
  });
  return { accessToken, refreshToken, tokenType: "Bearer", expiresIn: config.accessTtlSeconds };
}

/** 32 random bytes, base64url: refresh tokens and the tokens of mailed links. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return base64url.encode(bytes);
}
