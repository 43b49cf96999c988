import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "#lib/http/app.ts";
import { log, setLogLevel } from "#lib/http/log.ts";

const app = createApp("users").get("/boom", () => {
  throw new Error("kaboom");
});

const lines = (spy: { mock: { calls: unknown[][] } }) =>
  spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);

afterEach(() => {
  vi.restoreAllMocks();
  setLogLevel(undefined);
});

describe("logging through lib/http/log.ts", () => {
  it("logs an error answered by onError as one JSON line with level, worker and trace id", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.request("/boom", { headers: { "x-trace-id": "trace-log-test-1" } }, { LOG_LEVEL: "info" });
    expect(res.status).toBe(500);
    const unhandled = lines(errors).filter((line) => line.msg === "unhandled error");
    expect(unhandled).toHaveLength(1);
    expect(unhandled[0]).toMatchObject({
      level: "error",
      worker: "users",
      traceId: "trace-log-test-1",
      error: "Error: kaboom",
    });
    expect(typeof unhandled[0]?.ts).toBe("string");
  });

  it("writes no warn or info lines under LOG_LEVEL=error, and still writes errors", () => {
    const warns = vi.spyOn(console, "warn").mockImplementation(() => {});
    const infos = vi.spyOn(console, "log").mockImplementation(() => {});
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    setLogLevel("error");
    log("warn", "users", { msg: "quiet" });
    log("info", "users", { msg: "quieter" });
    log("error", "users", { msg: "loud" });
    expect(warns).not.toHaveBeenCalled();
    expect(infos).not.toHaveBeenCalled();
    expect(lines(errors)).toMatchObject([{ level: "error", worker: "users", msg: "loud" }]);
  });
});
