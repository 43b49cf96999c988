import { z } from "@hono/zod-openapi";
import { type ApiRoute, apiRoute, IdParam, jsonResponse, Page, PageQuery, type Service } from "./route.ts";

/**
 * The domains that consume events, each from its own `<domain>-inbox` and `<domain>-inbox-dlq`
 * (`npm run new:worker` adds its Worker here).
 */
export const CONSUMING_DOMAINS = [
  "users",
  "vendors",
  "catalog",
  "orders",
  "payments",
  "shipping",
  "notifications",
  "reviews",
] as const;
export type ConsumingDomain = (typeof CONSUMING_DOMAINS)[number];

export const DeadLetter = z
  .object({
    id: z.string().openapi({ description: "The event id" }),
    type: z.string(),
    queue: z.string().openapi({ description: "The inbox queue it failed on" }),
    envelope: z.unknown().openapi({ description: "The message as it arrived; a replay sends it again unchanged" }),
    attempts: z.number().int().openapi({ description: "Failed deliveries of its latest run" }),
    lastError: z.string().nullable(),
    firstFailedAt: z.string(),
    deadAt: z.string().openapi({ description: "When it last reached the dead-letter queue" }),
    replayedAt: z.string().nullable(),
    replayCount: z.number().int(),
    processedAt: z.string().nullable().openapi({
      description:
        "When the consumer applied the event (after a replay, or before it died with its acknowledgement lost)",
    }),
  })
  .openapi("DeadLetter");
export type DeadLetter = z.infer<typeof DeadLetter>;

const title = (domain: string) => domain.charAt(0).toUpperCase() + domain.slice(1);

/** The two admin routes of one consuming domain's dead letters, served by that domain's Worker. */
function deadLetterRoutes<D extends ConsumingDomain>(domain: D) {
  const list = apiRoute({
    method: "get",
    path: `/api/v1/admin/dead-letters/${domain}-inbox` as `/api/v1/admin/dead-letters/${D}-inbox`,
    "x-access": "admin",
    summary: `Events the ${domain} Worker gave up on after its retries, newest first`,
    operationId: `list${title(domain)}DeadLetters`,
    description: `Lists the events the ${domain} Worker's inbox consumer gave up on after its retries, with the last error, newest first.`,
    request: { query: PageQuery },
    responses: { 200: jsonResponse(Page(DeadLetter), "A page of dead letters") },
  });
  const replay = apiRoute({
    method: "post",
    path: `/api/v1/admin/dead-letters/${domain}-inbox/{id}/replay` as `/api/v1/admin/dead-letters/${D}-inbox/{id}/replay`,
    "x-access": "admin",
    summary: `Send a dead letter to the ${domain} inbox again; an event already applied changes nothing`,
    operationId: `replay${title(domain)}DeadLetter`,
    description: `Sends a dead letter to the ${domain} inbox again, unchanged; the idempotent consumer ignores an event it already applied.`,
    request: { params: IdParam },
    responses: {
      202: jsonResponse(DeadLetter, "Sent to the inbox; the consumer handles it like any delivery"),
      404: { description: "No dead letter with that event id" },
    },
  });
  return { list, replay };
}

export const DEAD_LETTER_ROUTES = Object.fromEntries(
  CONSUMING_DOMAINS.map((domain) => [domain, deadLetterRoutes(domain)]),
) as { [D in ConsumingDomain]: ReturnType<typeof deadLetterRoutes<D>> };

/** Each domain's dead-letter routes and the Worker that serves them, for the public API table. */
export const DEAD_LETTER_API: ReadonlyArray<{ service: Service; tag: "dead-letters"; routes: readonly ApiRoute[] }> =
  Object.entries(DEAD_LETTER_ROUTES).map(([domain, { list, replay }]) => ({
    service: domain.toUpperCase() as Uppercase<ConsumingDomain>,
    tag: "dead-letters",
    routes: [list, replay],
  }));
