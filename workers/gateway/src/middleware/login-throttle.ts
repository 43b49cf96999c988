import type { MiddlewareHandler } from "hono";
import type { LoginLimits, LoginVerdict, RuleState } from "#do/login-throttle.ts";
import { problem } from "#lib/http/problem.ts";
import { bodyEmail, clientIp } from "./rate-limits.ts";

export const LOGIN_ROUTE = "POST /api/v1/auth/login";

interface Counter {
  name: string;
  limits: LoginLimits;
  /** The RateLimit policy name of each of the counter's rules. */
  policies: Partial<Record<RuleState["rule"], string>>;
  /** Whether a success here trusts the address (the account's own counter). */
  ofAccount: boolean;
}

const DETAIL: Record<string, string> = {
  "login-account-ip": "Too many failed sign-ins to this account from your address",
  "login-account":
    "Too many failed sign-ins to this account; an address you signed in from before is still let through",
  "login-ip": "Too many failed sign-ins from your address",
};

/**
 * Throttles failed sign-ins: per account and address with a doubling wait, per
 * account across addresses, per address across accounts. Only failures count
 * (auth answers 401), so nobody can lock an owner out by guessing wrong from
 * elsewhere. Each attempt counts as a failure until auth's answer says otherwise.
 */
export const loginThrottle: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const address = clientIp(c);
  const email = await bodyEmail(c.req.raw);
  const counters = [...(email ? [accountCounter(c.env, email)] : []), addressCounter(c.env, address)];
  const attempts = await Promise.all(
    counters.map(async (counter) => {
      const stub = c.env.LOGIN_THROTTLE.get(c.env.LOGIN_THROTTLE.idFromName(counter.name));
      const verdict: LoginVerdict = await stub.begin(address, counter.limits);
      return { counter, stub, verdict };
    }),
  );
  const takeBack = (ownerSignedIn: boolean) =>
    Promise.all(
      attempts.map(({ counter, stub, verdict }) =>
        verdict.allowed ? stub.settle(verdict.attemptId, address, ownerSignedIn && counter.ofAccount) : undefined,
      ),
    );

  for (const { counter, verdict } of attempts) {
    if (verdict.allowed) continue;
    await takeBack(false);
    const { refusedBy } = verdict;
    const policy = counter.policies[refusedBy.rule] ?? "login";
    return problem(c, 429, `${DETAIL[policy] ?? "Too many failed sign-ins"}; retry in ${refusedBy.resetSeconds} s.`, {
      headers: { ...rateLimitHeaders([[policy, refusedBy]]), "retry-after": String(refusedBy.resetSeconds) },
    });
  }

  await next();
  const status = c.res.status;
  if (status !== 401) await takeBack(status === 200);
  const states = attempts.flatMap(({ counter, verdict }) =>
    verdict.allowed
      ? verdict.rules.map((state): [string, RuleState] => [counter.policies[state.rule] ?? "login", state])
      : [],
  );
  for (const [name, value] of Object.entries(rateLimitHeaders(states))) c.res.headers.set(name, value);
};

function accountCounter(env: Env, email: string): Counter {
  return {
    name: `account:${email}`,
    limits: {
      failures: Number(env.LOGIN_FAILURES_PER_ACCOUNT),
      windowSeconds: Number(env.LOGIN_ACCOUNT_WINDOW_SECONDS),
      perAddress: {
        freeFailures: Number(env.LOGIN_BACKOFF_AFTER_FAILURES),
        baseSeconds: Number(env.LOGIN_BACKOFF_BASE_SECONDS),
        maxSeconds: Number(env.LOGIN_BACKOFF_MAX_SECONDS),
      },
    },
    policies: { perAddress: "login-account-ip", window: "login-account" },
    ofAccount: true,
  };
}

function addressCounter(env: Env, address: string): Counter {
  return {
    name: `address:${address}`,
    limits: { failures: Number(env.LOGIN_FAILURES_PER_ADDRESS), windowSeconds: Number(env.EXACT_LIMIT_WINDOW_SECONDS) },
    policies: { window: "login-ip" },
    ofAccount: false,
  };
}

/** The IETF RateLimit and RateLimit-Policy header fields, one list member per rule. */
function rateLimitHeaders(states: [string, RuleState][]): Record<string, string> {
  return {
    "ratelimit-policy": states.map(([name, s]) => `"${name}";q=${s.quota};w=${s.windowSeconds}`).join(", "),
    ratelimit: states.map(([name, s]) => `"${name}";r=${s.remaining};t=${s.resetSeconds}`).join(", "),
  };
}
