import type { Context, MiddlewareHandler } from "hono";
import type { RateLimitResult } from "#do/rate-limiter.ts";
import { problem } from "#lib/http/problem.ts";

type GatewayContext = Context<{ Bindings: Env }>;

export function clientIp(c: GatewayContext): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/** Coarse per-IP shedding on every request (per location, eventually consistent). */
export const coarseLimit: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const { success } = await c.env.COARSE_LIMIT.limit({ key: clientIp(c) });
  if (!success) return problem(c, 429, "Too many requests; slow down.", { headers: { "retry-after": "60" } });
  await next();
};

interface ExactRule {
  name: string;
  limit: (env: Env) => number;
  /** The key this rule counts by for a request, or undefined to skip it. */
  key: (c: GatewayContext) => Promise<string | undefined> | string | undefined;
}

const byIp = (name: string, limit: ExactRule["limit"]): ExactRule => ({
  name,
  limit,
  key: (c) => `${name}:${clientIp(c)}`,
});

const byActor = (name: string, limit: ExactRule["limit"]): ExactRule => ({
  name,
  limit,
  key: (c) => {
    const actor = c.get("actor");
    return actor ? `${name}:${actor.sub}` : undefined;
  },
});

/**
 * Exact limits on registration and checkout, counted in the RateLimiter Durable
 * Object. Sign-in counts only failures instead (login-throttle.ts).
 */
export const EXACT_LIMITS: Record<string, ExactRule[]> = {
  "POST /api/v1/auth/register": [byIp("register-ip", (env) => Number(env.REGISTER_LIMIT_PER_IP))],
  "POST /api/v1/checkout": [byActor("checkout-account", (env) => Number(env.CHECKOUT_LIMIT_PER_ACCOUNT))],
};

export function exactLimit(rules: ExactRule[]): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    const window = Number(c.env.EXACT_LIMIT_WINDOW_SECONDS);
    for (const rule of rules) {
      const key = await rule.key(c);
      if (!key) continue;
      const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
      const result: RateLimitResult = await limiter.hit(rule.limit(c.env), window);
      const headers = rateLimitHeaders(rule.name, window, result);
      if (!result.allowed) {
        return problem(c, 429, `Too many attempts; retry in ${result.resetSeconds} s.`, {
          headers: { ...headers, "retry-after": String(result.resetSeconds) },
        });
      }
      for (const [name, value] of Object.entries(headers)) c.header(name, value);
    }
    await next();
  };
}

/** The IETF RateLimit and RateLimit-Policy header fields. */
function rateLimitHeaders(policy: string, windowSeconds: number, result: RateLimitResult): Record<string, string> {
  return {
    "ratelimit-policy": `"${policy}";q=${result.limit};w=${windowSeconds}`,
    ratelimit: `"${policy}";r=${result.remaining};t=${result.resetSeconds}`,
  };
}
