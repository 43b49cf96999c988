import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { PUBLIC_API } from "../../../lib/contracts/api/index.ts";
import { type AuthRpc, rpc } from "../../../lib/contracts/rpc.ts";
import { observe } from "../../../lib/http/observe.ts";
import { notFound, onError, problem } from "../../../lib/http/problem.ts";
import { authorize, requireJson } from "./authorize.ts";
import { forward } from "./forward.ts";
import { openApiDocument } from "./openapi.ts";
import { EXACT_LIMITS, coarseLimit, exactLimit } from "./rate-limits.ts";

export const app = new Hono<{ Bindings: Env }>();

app.use(observe("gateway", { trustCallerHeaders: false }));
app.onError(onError);
app.notFound(notFound);
app.use((c, next) =>
  cors({
    origin: c.env.DASHBOARD_ORIGIN,
    allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id"],
    exposeHeaders: ["x-trace-id", "retry-after", "ratelimit", "ratelimit-policy"],
    maxAge: 600,
  })(c, next),
);
app.use(coarseLimit);
app.use((c, next) =>
  bodyLimit({
    maxSize: Number(c.env.MAX_BODY_BYTES),
    onError: (c) => problem(c, 413, `The body is larger than ${c.env.MAX_BODY_BYTES} bytes.`),
  })(c, next),
);

// Served by the gateway itself; all anonymous.
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.get("/api/openapi.json", (c) => c.json(openApiDocument()));
app.get("/api/docs", Scalar({ url: "/api/openapi.json", pageTitle: "Marketplace API" }));
app.get("/.well-known/jwks.json", async (c) => {
  c.header("cache-control", "public, max-age=300");
  return c.json(await rpc<AuthRpc>(c.env.AUTH).jwks());
});

// Every public route, from the one table of contracts.
for (const { service, routes } of PUBLIC_API) {
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const path = route.getRoutingPath();
    const rules = EXACT_LIMITS[`${method} ${path}`] ?? [];
    app.on(
      method,
      path,
      authorize(route["x-access"]),
      ...(route.request?.body ? [requireJson] : []),
      ...(rules.length ? [exactLimit(rules)] : []),
      (c) => forward(c, service),
    );
  }
}

/** Routes the gateway answers itself, for the access-policy table. */
export const GATEWAY_ROUTES = [
  { method: "GET", path: "/healthz" },
  { method: "GET", path: "/api/openapi.json" },
  { method: "GET", path: "/api/docs" },
  { method: "GET", path: "/.well-known/jwks.json" },
] as const;
