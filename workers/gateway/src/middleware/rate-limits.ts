import type { Context, MiddlewareHandler } from "hono";
import type { RateLimitResult } from "#do/rate-limiter.ts";
import { sha256Hex } from "#lib/crypto.ts";
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
  /** The rule's window; EXACT_LIMIT_WINDOW_SECONDS when not given. */
  windowSeconds?: (env: Env) => number;
  /** The key this rule counts by for a request, or undefined to skip it. */
  key: (c: GatewayContext) => Promise<string | undefined> | string | undefined;
}

const byIp = (name: string, limit: ExactRule["limit"]): ExactRule => ({
  name,
  limit,
  key: (c) => `${name}:${clientIp(c)}`,
});

const byActor = (name: string, limit: ExactRule["limit"], windowSeconds?: ExactRule["windowSeconds"]): ExactRule => ({
  name,
  limit,
  windowSeconds,
  key: (c) => {
    const actor = c.get("actor");
    return actor ? `${name}:${actor.sub}` : undefined;
  },
});

/** Counts by the email address the body names, under its hash (no address in a Durable Object's name). */
const byBodyEmail = (
  name: string,
  limit: ExactRule["limit"],
  windowSeconds?: ExactRule["windowSeconds"],
): ExactRule => ({
  name,
  limit,
  windowSeconds,
  key: async (c) => {
    const email = await bodyEmail(c.req.raw);
    return email ? `${name}:${await sha256Hex(email)}` : undefined;
  },
});

/** The email a body names, as auth will read it; none when it cannot be an email (auth answers 400). */
export async function bodyEmail(request: Request): Promise<string | undefined> {
  // A clone: the body is a stream, and the original must still reach the domain Worker.
  const body: unknown = await request
    .clone()
    .json()
    .catch(() => undefined);
  const email = typeof body === "object" && body !== null && "email" in body ? body.email : undefined;
  return typeof email === "string" && email.length <= 254 ? email.trim().toLowerCase() : undefined;
}

/**
 * Exact limits on registration, password-reset mails and checkout, counted in the RateLimiter Durable
 * Object. Sign-in counts only failures instead (login-throttle.ts).
 */
export const EXACT_LIMITS: Record<string, ExactRule[]> = {
  "POST /api/v1/auth/register": [byIp("register-ip", (env) => Number(env.REGISTER_LIMIT_PER_IP))],
  // Each request may mail someone: limited per address, and per mailbox so nobody floods one inbox from many addresses.
  "POST /api/v1/auth/password-reset/request": [
    byIp("password-reset-ip", (env) => Number(env.PASSWORD_RESET_LIMIT_PER_IP)),
    byBodyEmail(
      "password-reset-email",
      (env) => Number(env.PASSWORD_RESET_LIMIT_PER_EMAIL),
      (env) => Number(env.PASSWORD_RESET_EMAIL_WINDOW_SECONDS),
    ),
  ],
  "POST /api/v1/auth/verify-email/resend": [
    byActor(
      "verify-resend-account",
      (env) => Number(env.VERIFY_RESEND_LIMIT_PER_ACCOUNT),
      (env) => Number(env.VERIFY_RESEND_WINDOW_SECONDS),
    ),
  ],
  "POST /api/v1/checkout": [byActor("checkout-account", (env) => Number(env.CHECKOUT_LIMIT_PER_ACCOUNT))],
};

export function exactLimit(rules: ExactRule[]): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    for (const rule of rules) {
      const key = await rule.key(c);
      if (!key) continue;
      const window = rule.windowSeconds?.(c.env) ?? Number(c.env.EXACT_LIMIT_WINDOW_SECONDS);
      const limiter = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(key));
      const result: RateLimitResult = await limiter.hit(rule.limit(c.env), window);
      const headers = rateLimitHeaders(rule.name, window, result);
      if (!result.allowed) {
        return problem(c, 429, `Too many attempts; retry in ${result.resetSeconds} s.`, {
          headers: { ...headers, "retry-after": String(result.resetSeconds) },
        });
      }
      // Appended: a route with several rules lists each policy.
      for (const [name, value] of Object.entries(headers)) c.header(name, value, { append: true });
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
