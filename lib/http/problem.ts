import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { log, workerName } from "./log.ts";
import {
  DEFAULT_PROBLEM,
  isProblemStatus,
  PROBLEM_SLUGS,
  PROBLEM_TABLE,
  type ProblemSlug,
  type ProblemStatus,
  type ProblemUri,
  problemUri,
} from "./problem-types.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** RFC 9457 problem details, as every Worker answers errors. */
export const Problem = z.object({
  type: z
    .enum(PROBLEM_SLUGS.map(problemUri) as [ProblemUri, ...ProblemUri[]])
    .describe("What went wrong, as a stable URI relative to the API's origin; `GET` it for its description."),
  title: z.string().describe("The type's title"),
  status: z.number().int(),
  detail: z.string().optional().describe("This occurrence, in words for a person"),
  instance: z.string().optional().describe("The request path"),
  traceId: z.string().optional().describe("Finds the request in the logs"),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe("Each invalid field, for validation problems"),
});
export type Problem = z.infer<typeof Problem>;

export { PROBLEM_TABLE, type ProblemSlug, type ProblemStatus, problemUri } from "./problem-types.ts";

/**
 * Response extras; `type` defaults to the status's generic type (DEFAULT_PROBLEM).
 * `members` are RFC 9457 extension members added to the body (e.g. /readyz's `checks`).
 */
export type ProblemExtra = {
  errors?: Problem["errors"];
  headers?: Record<string, string>;
  type?: ProblemSlug;
  members?: Record<string, unknown>;
};

/** Thrown by handlers and services; the shared error handler turns it into a response. */
export class ProblemError extends Error {
  readonly status: ProblemStatus;
  readonly detail?: string;
  readonly extra: ProblemExtra;

  // Plain fields rather than parameter properties, so Node's type stripping runs this file (scripts/openapi.ts).
  constructor(status: ProblemStatus, detail?: string, extra: ProblemExtra = {}) {
    super(detail ?? PROBLEM_TABLE[extra.type ?? DEFAULT_PROBLEM[status]].title);
    this.status = status;
    this.detail = detail;
    this.extra = extra;
  }
}

export function problemResponse(
  status: ProblemStatus,
  init: ProblemExtra & { detail?: string; instance?: string; traceId?: string } = {},
): Response {
  const slug = init.type ?? DEFAULT_PROBLEM[status];
  const body: Problem & Record<string, unknown> = {
    ...init.members,
    type: problemUri(slug),
    title: PROBLEM_TABLE[slug].title,
    status,
    detail: init.detail,
    instance: init.instance,
    traceId: init.traceId,
    errors: init.errors,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...init.headers },
  });
}

export function problem(c: Context, status: ProblemStatus, detail?: string, extra: ProblemExtra = {}): Response {
  return problemResponse(status, { ...extra, detail, instance: c.req.path, traceId: c.get("traceId") });
}

/** zod issues as `{path, message}` pairs a client can show beside its fields. */
export function validationErrors(error: z.ZodError): NonNullable<Problem["errors"]> {
  return error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message }));
}

/** The one error handler of every Worker: known errors keep their status, the rest are 500s that leak nothing. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ProblemError) return problem(c, err.status, err.detail, err.extra);
  if (err instanceof HTTPException) {
    if (err.res) return err.res;
    // Hono's own errors (a malformed JSON body is a 400); an odd status keeps its class.
    const status = isProblemStatus(err.status) ? err.status : err.status < 500 ? 400 : 500;
    return problem(c, status, err.message);
  }
  log("error", workerName(), {
    msg: "unhandled error",
    error: String(err),
    stack: err.stack,
    traceId: c.get("traceId"),
  });
  return problem(c, 500, "An unexpected error occurred.");
}

export function notFound(c: Context): Response {
  return problem(c, 404, `No route for ${c.req.method} ${c.req.path}.`);
}
