import { createRoute, type RouteConfig, z } from "@hono/zod-openapi";
import { type Access, CALLERS } from "#lib/contracts/access.ts";
import { PROBLEM_CONTENT_TYPE, PROBLEM_TABLE, Problem, type ProblemSlug, problemUri } from "#lib/http/problem.ts";
import { DEFAULT_PROBLEM, isProblemStatus, type ProblemUri } from "#lib/http/problem-types.ts";

/** Names of the service bindings the gateway forwards to. */
export type Service =
  | "AUTH"
  | "USERS"
  | "VENDORS"
  | "CATALOG"
  | "ORDERS"
  | "PAYMENTS"
  | "SHIPPING"
  | "NOTIFICATIONS"
  | "REVIEWS";

type ApiRouteConfig<P extends string> = Omit<RouteConfig, "path" | "operationId" | "summary" | "description"> & {
  path: P;
  /** camelCase verb + noun, unique: the method name generated clients give the route. */
  operationId: string;
  summary: string;
  /** What the route does; who may call it is appended from `x-access`. */
  description: string;
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
 * documents it from the same object. An error response declared as
 * `{ description }` answers its status's generic problem type; `problems()`
 * names the specific ones.
 */
export function apiRoute<P extends string, R extends ApiRouteConfig<P>>(config: R) {
  const access = config["x-access"];
  return createRoute({
    ...config,
    description: `${config.description}\n\nCallable by ${CALLERS[access]}.`,
    security: access === "anonymous" ? [] : [{ bearerAuth: [] }],
    responses: { ...config.responses, ...problemResponses(config, access) },
  });
}

export type ApiRoute = ReturnType<typeof createRoute> & {
  "x-access": Access;
  "x-cache-seconds"?: number;
  "x-max-body-bytes"?: number;
};

/** An error response that can answer these problem types (and its status's generic one). */
export function problems(description: string, ...types: [ProblemSlug, ...ProblemSlug[]]) {
  return { description, "x-problem-types": types };
}

type Declared = { description: string; "x-problem-types"?: readonly ProblemSlug[] };

const GENERIC: Record<number, string> = {
  400: "Invalid input",
  401: "Missing or invalid access token",
  403: "The caller's role does not allow this",
  413: "Body too large",
  415: "Unsupported Content-Type",
  429: "Rate limited",
  500: "Unexpected error",
  503: "A dependency is briefly unavailable",
};

/** Every error status the route can answer, each with the problem types it can carry. */
function problemResponses(config: ApiRouteConfig<string>, access: Access) {
  const types = new Map<number, { description: string; slugs: Set<ProblemSlug> }>();
  const add = (status: number, description: string, ...slugs: ProblemSlug[]) => {
    const entry = types.get(status) ?? { description, slugs: new Set<ProblemSlug>() };
    if (!entry.description.includes(description)) entry.description = `${entry.description}; ${description}`;
    for (const slug of slugs) entry.slugs.add(slug);
    types.set(status, entry);
  };
  const query = config.request?.query;
  const paged = query instanceof z.ZodObject && "cursor" in query.shape;
  add(400, GENERIC[400] ?? "", "validation", ...(paged ? (["invalid-cursor"] as const) : []));
  if (config.request?.body) {
    add(413, GENERIC[413] ?? "", "body-too-large");
    add(415, GENERIC[415] ?? "", "unsupported-media-type");
  }
  add(429, GENERIC[429] ?? "", "rate-limited");
  add(500, GENERIC[500] ?? "", "internal");
  if (access !== "anonymous") {
    add(401, GENERIC[401] ?? "", "unauthenticated");
    add(503, "Sign-in cannot be checked right now", "unavailable");
  }
  if (access === "admin") add(403, GENERIC[403] ?? "", "forbidden");
  if (access === "vendor" || access === "vendor_or_admin") {
    add(
      403,
      `${GENERIC[403]}, or its store is no longer approved or it no longer belongs to it`,
      "forbidden",
      "vendor-not-active",
    );
  }
  for (const [code, response] of Object.entries(config.responses)) {
    const status = Number(code);
    if (status < 400 || !isProblemStatus(status)) continue;
    const declared = response as Declared;
    add(status, declared.description, DEFAULT_PROBLEM[status], ...(declared["x-problem-types"] ?? []));
  }
  return Object.fromEntries(
    [...types].map(([status, { description, slugs }]) => [
      status,
      {
        description,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: problemOf([...slugs]) } },
      },
    ]),
  );
}

const ProblemSchema = Problem.openapi("Problem");

/** The Problem schema narrowed to the types one response can carry, so generated clients can switch on them. */
function problemOf(slugs: ProblemSlug[]) {
  const uris = slugs.map(problemUri) as [ProblemUri, ...ProblemUri[]];
  return ProblemSchema.extend({
    type: z
      .enum(uris)
      .openapi({ description: slugs.map((s) => `${problemUri(s)}: ${PROBLEM_TABLE[s].title}`).join("; ") }),
  });
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
