import { drizzle } from "drizzle-orm/d1";
import type { DEAD_LETTER_ROUTES } from "#lib/contracts/api/dead-letters.ts";
import { createRoutes } from "#lib/http/app.ts";
import type { ObservedEnv } from "#lib/http/context.ts";
import { listDeadLetters, replayDeadLetter } from "./dead-letter-admin.ts";

type DomainRoutes = (typeof DEAD_LETTER_ROUTES)[keyof typeof DEAD_LETTER_ROUTES];

/**
 * A consuming Worker's admin routes over its dead letters (the gateway has let
 * only admins through). `inbox` is the Worker's producer binding of its own inbox.
 */
export function deadLetterRoutes<E extends ObservedEnv & { DB: D1Database }>(
  routes: DomainRoutes,
  inbox: (env: E) => Queue,
) {
  return createRoutes<E>()
    .openapi(routes.list, async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(await listDeadLetters(drizzle(c.env.DB), limit, cursor), 200);
    })
    .openapi(routes.replay, async (c) =>
      c.json(await replayDeadLetter(drizzle(c.env.DB), inbox(c.env), c.req.valid("param").id), 202),
    );
}
