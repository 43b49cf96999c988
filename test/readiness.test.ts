import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../workers/gateway/src/app.ts";
import { api, expectProblem, freshIp } from "./helpers.ts";

interface Check {
  ok: boolean;
  ms: number;
  error?: string;
  checks?: Record<string, { ok: boolean; ms: number; error?: string }>;
}

const WORKERS = ["auth", "catalog", "notifications", "orders", "payments", "reviews", "shipping", "users", "vendors"];

/** The gateway's /readyz with one Worker's binding swapped for a stand-in that is not ready. */
function readyzWith(bindings: Partial<Env>) {
  const request = new Request("http://gateway.test/readyz", { headers: { "cf-connecting-ip": freshIp() } });
  return app.fetch(request, { ...env, ...bindings }, createExecutionContext());
}

describe("GET /readyz", () => {
  it("answers 200 with every Worker and its checks when all are ready, never cached", async () => {
    const res = await api("GET", "/readyz");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json<{ status: string; checks: Record<string, Check> }>();
    expect(body.status).toBe("ready");
    expect(Object.keys(body.checks).sort()).toEqual(WORKERS);
    for (const check of Object.values(body.checks))
      expect(check).toMatchObject({ ok: true, checks: { db: { ok: true } } });
    expect(body.checks.catalog?.checks).toMatchObject({ images: { ok: true } });
  });

  it("answers 503 naming the Worker and the check when a Worker's database fails, leaking no error text", async () => {
    const res = await readyzWith({ USERS: env.USERS_WITHOUT_DB });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.clone().text();
    const problem = await expectProblem(res, 503);
    expect(problem.detail).toBe("Not ready: users (db).");
    const { checks } = JSON.parse(text) as { checks: Record<string, Check> };
    expect(checks.users).toMatchObject({ ok: false, checks: { db: { ok: false, error: "error" } } });
    expect(checks.auth).toMatchObject({ ok: true });
    expect(text).not.toMatch(/TypeError|undefined|prepare/);
  });

  it("answers 503 naming a Worker that does not answer in time", async () => {
    const res = await readyzWith({ CATALOG: env.SLOW_WORKER });
    const problem = await expectProblem(res, 503);
    expect(problem.detail).toBe("Not ready: catalog (timeout).");
    const { checks } = problem as unknown as { checks: Record<string, Check> };
    expect(checks.catalog).toMatchObject({ ok: false, error: "timeout" });
    expect(checks.catalog?.ms).toBeGreaterThanOrEqual(1_900);
  });
});
