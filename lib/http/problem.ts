import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { log, workerName } from "./log.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** RFC 9457 problem details, as every Worker answers errors. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  traceId: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof Problem>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * Problem types a client can branch on (RFC 9457 `type`), relative to the API's
 * origin. Kinds of failure without an entry here answer `about:blank`.
 */
export const PROBLEM_TYPES = {
  belowMinimumCharge: "/problems/below-minimum-charge",
  cartCheckoutInProgress: "/problems/cart-checkout-in-progress",
  idempotencyKeyReused: "/problems/idempotency-key-reused",
  refundExceedsPaid: "/problems/refund-exceeds-paid",
  refundInProgress: "/problems/refund-in-progress",
  paymentDisputed: "/problems/payment-disputed",
  paymentNotSettled: "/problems/payment-not-settled",
  processorRefused: "/problems/processor-refused",
  processorUnavailable: "/problems/processor-unavailable",
  outOfStock: "/problems/out-of-stock",
  vendorNotActive: "/problems/vendor-not-active",
} as const;
export type ProblemType = (typeof PROBLEM_TYPES)[keyof typeof PROBLEM_TYPES];

/** Thrown by handlers and services; the shared error handler turns it into a response. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail?: string,
    readonly extra: { errors?: Problem["errors"]; headers?: Record<string, string>; type?: ProblemType } = {},
  ) {
    super(detail ?? TITLES[status] ?? "Error");
  }
}

export function problemResponse(
  status: ContentfulStatusCode,
  init: {
    detail?: string;
    instance?: string;
    traceId?: string;
    errors?: Problem["errors"];
    headers?: Record<string, string>;
    type?: ProblemType;
  } = {},
): Response {
  const body: Problem = {
    type: init.type ?? "about:blank",
    title: TITLES[status] ?? "Error",
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

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  detail?: string,
  extra: ProblemError["extra"] = {},
): Response {
  return problemResponse(status, {
    detail,
    instance: c.req.path,
    traceId: c.get("traceId"),
    errors: extra.errors,
    headers: extra.headers,
    type: extra.type,
  });
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
    return problem(c, err.status, err.message);
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
