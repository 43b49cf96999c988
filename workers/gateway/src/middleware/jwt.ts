import { createLocalJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { Actor } from "#lib/contracts/actor.ts";
import { type AuthRpc, rpc } from "#lib/contracts/rpc.ts";

const JWKS_TTL_MS = 5 * 60_000;
// An unknown `kid` refetches the JWKS (a key was rotated in), but at most this often.
const REFETCH_MIN_INTERVAL_MS = 10_000;

let keySet: { get: JWTVerifyGetKey; fetchedAt: number } | undefined;

async function loadKeySet(env: Env, force: boolean): Promise<JWTVerifyGetKey> {
  if (keySet && !force && Date.now() - keySet.fetchedAt < JWKS_TTL_MS) return keySet.get;
  const jwks = await rpc<AuthRpc>(env.AUTH).jwks();
  keySet = { get: createLocalJWKSet(jwks), fetchedAt: Date.now() };
  return keySet.get;
}

/**
 * Verifies an access token against auth's JWKS: ES256 only, issuer, audience,
 * expiry and subject required, 5 s of clock tolerance. Returns undefined for any
 * token that is not good.
 */
export async function verifyAccessToken(env: Env, token: string): Promise<Actor | undefined> {
  const verify = async (keys: JWTVerifyGetKey) =>
    jwtVerify(token, keys, {
      algorithms: ["ES256"],
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      typ: "at+jwt",
      clockTolerance: 5,
      requiredClaims: ["exp", "iat", "sub"],
    });
  try {
    let result: Awaited<ReturnType<typeof verify>>;
    try {
      result = await verify(await loadKeySet(env, false));
    } catch (error) {
      const stale = keySet && Date.now() - keySet.fetchedAt >= REFETCH_MIN_INTERVAL_MS;
      if (!(error instanceof errors.JWKSNoMatchingKey) || !stale) throw error;
      result = await verify(await loadKeySet(env, true));
    }
    const actor = Actor.safeParse({ sub: result.payload.sub, roles: result.payload.roles, vid: result.payload.vid });
    return actor.success ? actor.data : undefined;
  } catch (error) {
    if (error instanceof errors.JOSEError) return undefined;
    throw error;
  }
}
