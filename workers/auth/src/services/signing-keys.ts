import { desc, gt, isNull, or } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey as JoseKey,
  type JWK,
} from "jose";
import { signingKeys } from "../db/schema.ts";
import { seal, unseal } from "./key-sealing.ts";

export const ALG = "ES256";

export interface ActiveKey {
  kid: string;
  privateKey: JoseKey | Uint8Array;
}

// Decrypting a key costs a few ms; an isolate keeps the active one for a minute.
const ACTIVE_KEY_TTL_MS = 60_000;
let cached: { key: ActiveKey; until: number } | undefined;

export async function activeKey(db: DrizzleD1Database, secret: string): Promise<ActiveKey> {
  if (cached && cached.until > Date.now()) return cached.key;
  const [row] = await db
    .select()
    .from(signingKeys)
    .where(isNull(signingKeys.retiredAt))
    .orderBy(desc(signingKeys.createdAt))
    .limit(1);
  const key = row
    ? { kid: row.kid, privateKey: await importJWK(JSON.parse(await unseal(secret, row.privateJwkSealed)) as JWK, ALG) }
    : await createKey(db, secret);
  cached = { key, until: Date.now() + ACTIVE_KEY_TTL_MS };
  return key;
}

/** A new key pair; the first call on an empty database creates the first key. */
async function createKey(db: DrizzleD1Database, secret: string): Promise<ActiveKey> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const sealed = await seal(secret, JSON.stringify(await exportJWK(privateKey)));
  await db.insert(signingKeys).values({
    kid,
    alg: ALG,
    publicJwk: { ...publicJwk, kid, alg: ALG, use: "sig" },
    privateJwkSealed: sealed,
    createdAt: Date.now(),
  });
  return { kid, privateKey };
}

/** Starts signing with a new key; the old ones stay published until their last tokens expire. */
export async function rotateKey(db: DrizzleD1Database, secret: string): Promise<string> {
  const now = Date.now();
  await db.update(signingKeys).set({ retiredAt: now }).where(isNull(signingKeys.retiredAt));
  const key = await createKey(db, secret);
  cached = undefined;
  return key.kid;
}

/** Public keys of every key whose tokens may still be valid. */
export async function publishedKeys(db: DrizzleD1Database, accessTokenTtlSeconds: number): Promise<{ keys: JWK[] }> {
  const stillValidAfter = Date.now() - (accessTokenTtlSeconds + 60) * 1000;
  const rows = await db
    .select({ publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, stillValidAfter)))
    .orderBy(desc(signingKeys.createdAt));
  return { keys: rows.map((row) => row.publicJwk) };
}
