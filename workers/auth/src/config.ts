import { rpc, type VendorsRpc } from "#lib/contracts/rpc.ts";
import { log } from "#lib/http/log.ts";
import type { LinkConfig } from "./services/email-links.ts";
import type { TokenConfig } from "./services/tokens.ts";

/** How long mailed links work. */
export function linkConfig(env: Env): LinkConfig {
  return {
    verifyTtlSeconds: Number(env.EMAIL_VERIFY_TTL_SECONDS),
    resetTtlSeconds: Number(env.PASSWORD_RESET_TTL_SECONDS),
  };
}

export function tokenConfig(env: Env): TokenConfig {
  return {
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTtlSeconds: Number(env.ACCESS_TOKEN_TTL_SECONDS),
    refreshTtlSeconds: Number(env.REFRESH_TOKEN_TTL_SECONDS),
    keySecret: env.KEY_ENCRYPTION_SECRET,
    membership: async (userId) => {
      try {
        return await rpc<VendorsRpc>(env.VENDORS).membership(userId);
      } catch (error) {
        // Signing in must not depend on vendors being up: the token then lacks the vendor role until the next refresh.
        log("warn", "auth", { msg: "vendor membership unavailable", userId, error: String(error) });
        return null;
      }
    },
  };
}
