import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("notifications", () => {
  it("has its database migrated", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name)).toEqual(expect.arrayContaining(["processed_events", "dead_letters"]));
  });

  it("is ready when its database answers", async () => {
    const ready = await exports.default.ready();
    expect(ready.ok).toBe(true);
    expect(ready.checks.db?.ok).toBe(true);
  });

  it("answers an unknown route with a problem", async () => {
    const res = await exports.default.fetch("http://notifications/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});
