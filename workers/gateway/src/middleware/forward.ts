import type { Context } from "hono";
import { ACTOR_HEADER, encodeActor, TRACE_HEADER } from "#lib/contracts/actor.ts";
import type { Service } from "#lib/contracts/api/route.ts";

/**
 * Sends the request on to a domain Worker over its service binding, with the
 * verified actor and the trace id; the bearer token stays at the gateway.
 */
export function forward(c: Context<{ Bindings: Env }>, service: Service): Promise<Response> {
  const headers = new Headers(c.req.raw.headers);
  headers.delete("authorization");
  headers.delete(ACTOR_HEADER);
  headers.set(TRACE_HEADER, c.get("traceId"));
  const actor = c.get("actor");
  if (actor) headers.set(ACTOR_HEADER, encodeActor(actor));
  const request = new Request(c.req.url, {
    method: c.req.method,
    headers,
    body: c.req.method === "GET" || c.req.method === "HEAD" ? null : c.req.raw.body,
  });
  return c.env[service].fetch(request);
}
