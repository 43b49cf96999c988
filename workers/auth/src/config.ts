import type { TokenConfig } from "./services/tokens.ts";

export function tokenConfig(env: Env): TokenConfig {
  return {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTtlSeconds: Number(env.ACCESS_TOKEN_TTL_SECONDS),
    refreshTtlSeconds: Number(env.REFRESH_TOKEN_TTL_SECONDS),
    keySecret: env.KEY_ENCRYPTION_SECRET,
  };
}
