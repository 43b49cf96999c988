import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Actor } from "#lib/contracts/actor.ts";
import type { ObservedEnv } from "./context.ts";
import { observe } from "./observe.ts";
import { notFound, onError, ProblemError, problem, validationErrors } from "./problem.ts";
import "./context.ts";

/** A group of routes (one resource): its validation errors are problem+json. Mount it on the Worker's app. */
export function createRoutes<E extends ObservedEnv>() {
  return new OpenAPIHono<{ Bindings: E }>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return problem(c, 400, `The request ${result.target} is invalid.`, { errors: validationErrors(result.error) });
      }
    },
  });
}

/**
 * The root app every domain Worker starts from: the shared error handler,
 * trace ids, logs and analytics. Route groups are mounted with `.route("/", …)`.
 */
export function createApp<E extends ObservedEnv>(worker: string) {
  const app = createRoutes<E>();
  app.use(observe(worker, { trustCallerHeaders: true }));
  app.onError(onError);
  app.notFound(notFound);
  return app;
}

/** The verified actor forwarded by the gateway; 401 when there is none. */
export function requireActor(c: Context): Actor {
  const actor = c.get("actor");
  if (!actor) throw new ProblemError(401, "Sign in to call this route.");
  return actor;
}

/** The vendor id of the calling vendor staff member, from the verified token. */
export function requireVendor(c: Context): string {
  const vid = requireActor(c).vid;
  if (!vid) throw new ProblemError(403, "This route is for vendor accounts.");
  return vid;
}
