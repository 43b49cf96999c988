import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import type { Access } from "#lib/contracts/access.ts";
import { Problem } from "#lib/http/problem.ts";

/** Names of the service bindings the gateway forwards to. */
export type Service = "AUTH" | "USERS" | "VENDORS" | "CATALOG" | "ORDERS" | "PAYMENTS";

type ApiRouteConfig<P extends string> = Omit<RouteConfig, "path"> & {
  path: P;
  /** Who may call the route: the gateway enforces it and the policy matrix test checks it. */
  "x-access": Access;
  /** Anonymous GETs the gateway may cache at the edge, and for how long: the bound on staleness. */
  "x-cache-seconds"?: number;
  /** A larger body limit than the gateway's default (uploads). */
  "x-max-body-bytes"?: number;
};

/**
 * One public route: method, path, schemas and access policy in one place. Domain
 * Workers implement it with `app.openapi`; the gateway routes, authorizes and
 * documents it from the same object.
 */
export function apiRoute<P extends string, R extends ApiRouteConfig<P>>(config: R) {
  const access = config["x-access"];
  return createRoute({
    ...config,
    security: access === "anonymous" ? [] : [{ bearerAuth: [] }],
    responses: { ...problemResponses(access), ...config.responses },
  });
}

export type ApiRoute = ReturnType<typeof createRoute> & {
  "x-access": Access;
  "x-cache-seconds"?: number;
  "x-max-body-bytes"?: number;
};

function problemResponses(access: Access) {
  const problemContent = { content: { "application/problem+json": { schema: Problem } } };
  const responses: Record<number, { description: string } & typeof problemContent> = {
    400: { description: "Invalid input", ...problemContent },
    429: { description: "Rate limited", ...problemContent },
  };
  if (access !== "anonymous") {
    responses[401] = { description: "Missing or invalid access token", ...problemContent };
  }
  if (access === "admin") {
    responses[403] = { description: "Caller lacks the role", ...problemContent };
  }
  if (access === "vendor" || access === "vendor_or_admin") {
    responses[403] = {
      description:
        "Caller lacks the role, or (type vendor-not-active) its store is no longer approved or it no longer belongs to it",
      ...problemContent,
    };
  }
  return responses;
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { "application/json": { schema } }, required: true } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** `?limit=&cursor=` on every list. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const IdParam = z.object({ id: z.string().min(1).max(64) });
