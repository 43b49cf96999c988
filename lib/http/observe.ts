import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { ACTOR_HEADER, decodeActor, TRACE_HEADER } from "#lib/contracts/actor.ts";
import type { ObservedEnv } from "./context.ts";
import { log, setLogLevel, setWorkerName } from "./log.ts";

const TRACE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Trace id, actor, one JSON log line and one Analytics Engine data point per request.
 * `trustCallerHeaders` is false only at the gateway: the public cannot pick its actor.
 * It also names the isolate's Worker for logs written outside a request (see setWorkerName).
 */
export function observe(
  worker: string,
  opts: { trustCallerHeaders: boolean },
): MiddlewareHandler<{ Bindings: ObservedEnv }> {
  setWorkerName(worker);
  return async (c, next) => {
    const started = Date.now();
    setLogLevel(c.env?.LOG_LEVEL);
    const incoming = c.req.header(TRACE_HEADER) ?? c.req.header("x-request-id");
    c.set("traceId", incoming && TRACE_ID.test(incoming) ? incoming : crypto.randomUUID());
    c.set("actor", opts.trustCallerHeaders ? decodeActor(c.req.header(ACTOR_HEADER)) : undefined);
    await next();
    c.header(TRACE_HEADER, c.get("traceId"));
    const ms = Date.now() - started;
    const route = routePath(c, -1);
    const status = c.res.status;
    log(status >= 500 ? "error" : "info", worker, {
      traceId: c.get("traceId"),
      route: `${c.req.method} ${route}`,
      status,
      ms,
      actor: c.get("actor")?.sub ?? null,
    });
    c.env?.ANALYTICS?.writeDataPoint({
      blobs: [worker, c.req.method, route, String(status)],
      doubles: [ms, status >= 500 ? 1 : 0],
      indexes: [worker],
    });
  };
}
