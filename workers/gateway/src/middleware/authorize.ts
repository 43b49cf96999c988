import type { MiddlewareHandler } from "hono";
import { type Access, CALLERS, decideAccess } from "#lib/contracts/access.ts";
import { log } from "#lib/http/log.ts";
import { ProblemError, problem } from "#lib/http/problem.ts";
import { verifyAccessToken } from "./jwt.ts";

/**
 * Applies a route's access policy. A bad token on an anonymous route is
 * ignored (the caller is anonymous); anywhere else it is a 401.
 */
export function authorize(access: Access): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = header?.match(/^Bearer ([A-Za-z0-9._~+/=-]+)$/i)?.[1];
    if (token) {
      try {
        c.set("actor", await verifyAccessToken(c.env, token));
      } catch (error) {
        log("error", "gateway", { msg: "JWKS unavailable", error: String(error), traceId: c.get("traceId") });
        throw new ProblemError(503, "Sign-in cannot be checked right now; retry shortly.", {
          headers: { "retry-after": "5" },
        });
      }
    }
    const decision = decideAccess(access, c.get("actor"));
    if (decision === "unauthenticated") {
      const detail = header
        ? "The access token is missing, malformed, expired or not trusted."
        : "Sign in to call this route.";
      return problem(c, 401, detail, { headers: { "www-authenticate": 'Bearer realm="api"' } });
    }
    if (decision === "forbidden") return problem(c, 403, `This route is for ${CALLERS[access]}.`);
    await next();
  };
}

/** A route with a body accepts only the media types its contract lists (JSON for most). */
export function requireContentType(types: string[]): MiddlewareHandler {
  return async (c, next) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!types.includes(type)) {
      return problem(c, 415, `Send the body as ${types.join(" or ")}.`, { headers: { accept: types.join(", ") } });
    }
    await next();
  };
}
