import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { PUBLIC_API } from "#lib/contracts/api/index.ts";
import { type AuthRpc, rpc } from "#lib/contracts/rpc.ts";
import { observe } from "#lib/http/observe.ts";
import { notFound, onError, problem } from "#lib/http/problem.ts";
import { authorize, requireContentType } from "./middleware/authorize.ts";
import { edgeCache } from "./middleware/edge-cache.ts";
import { forward } from "./middleware/forward.ts";
import { LOGIN_ROUTE, loginThrottle } from "./middleware/login-throttle.ts";
import { coarseLimit, EXACT_LIMITS, exactLimit } from "./middleware/rate-limits.ts";
import { vendorStanding } from "./middleware/vendor-standing.ts";
import { DOCS_ROUTES, docs } from "./routes/docs.ts";
import { openApiDocument } from "./routes/openapi.ts";
import { readyz } from "./routes/readiness.ts";

export const app = new Hono<{ Bindings: Env }>();

app.use(observe("gateway", { trustCallerHeaders: false }));
app.onError(onError);
app.notFound(notFound);
app.use((c, next) =>
  cors({
    origin: c.env.DASHBOARD_ORIGIN,
    allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id", "x-cart-id"],
    exposeHeaders: ["x-trace-id", "x-cart-id", "retry-after", "ratelimit", "ratelimit-policy"],
    maxAge: 600,
  })(c, next),
);
app.use(coarseLimit);

/** The body limit: the gateway's default, or a route's own (uploads). */
function limitBody(routeMax?: number): MiddlewareHandler<{ Bindings: Env }> {
  return (c, next) => {
    const maxSize = routeMax ?? Number(c.env.MAX_BODY_BYTES);
    return bodyLimit({ maxSize, onError: (c) => problem(c, 413, `The body is larger than ${maxSize} bytes.`) })(
      c,
      next,
    );
  };
}

// Served by the gateway itself; all anonymous. /healthz calls nothing; /readyz asks every Worker.
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.get("/readyz", readyz);
app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
app.route("/", docs);
app.get("/.well-known/jwks.json", async (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json(await rpc<AuthRpc>(c.env.AUTH).jwks());
});

// Every public route, from the one table of contracts.
for (const { service, routes } of PUBLIC_API) {
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const path = route.getRoutingPath();
    const key = `${method} ${path}`;
    const rules = EXACT_LIMITS[key] ?? [];
    const bodyTypes = Object.keys(route.request?.body?.content ?? {});
    const cacheSeconds = route["x-cache-seconds"];
    app.on(
      method,
      path,
      limitBody(route["x-max-body-bytes"]),
      authorize(route["x-access"]),
      ...vendorStanding(route["x-access"]),
      ...(bodyTypes.length ? [requireContentType(bodyTypes)] : []),
      ...(rules.length ? [exactLimit(rules)] : []),
      ...(key === LOGIN_ROUTE ? [loginThrottle] : []),
      ...(cacheSeconds ? [edgeCache(cacheSeconds)] : []),
      (c) => forward(c, service),
    );
  }
}

/** Routes the gateway answers itself, for the access-policy table. */
export const GATEWAY_ROUTES = [
  { method: "GET", path: "/healthz" },
  { method: "GET", path: "/readyz" },
  { method: "GET", path: "/api/openapi.json" },
  ...DOCS_ROUTES,
  { method: "GET", path: "/.well-known/jwks.json" },
] as const;
