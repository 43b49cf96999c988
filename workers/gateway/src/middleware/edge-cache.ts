import type { MiddlewareHandler } from "hono";

/**
 * Caches anonymous GETs of public catalog routes at the edge for `seconds`.
 * The Cache API purges only in the location that asks, so instead of purging on
 * writes the TTL itself is the bound: a change shows everywhere within it.
 */
export function edgeCache(seconds: number): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    if (c.req.method !== "GET" || c.req.header("authorization")) return next();
    const cache = caches.default;
    const key = new Request(c.req.url, { method: "GET" });
    const hit = await cache.match(key);
    if (hit) {
      const response = new Response(hit.body, hit);
      response.headers.set("x-cache", "hit");
      return response;
    }
    await next();
    if (c.res.status !== 200) return;
    c.res.headers.set("cache-control", `public, max-age=${seconds}, s-maxage=${seconds}`);
    c.res.headers.set("x-cache", "miss");
    c.executionCtx.waitUntil(cache.put(key, c.res.clone()));
  };
}
