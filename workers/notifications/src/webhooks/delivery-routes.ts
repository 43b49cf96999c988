import { and, asc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getWebhookDelivery, listWebhookDeliveries, redeliverWebhook } from "#lib/contracts/api/vendor-webhooks.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { armWebhookSweeper, dispatchPending } from "./dispatch.ts";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./schema.ts";
import { deliveryView } from "./views.ts";

const ownDelivery = (vendorId: string, id: string) =>
  and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.vendorId, vendorId));

export const deliveryRoutes = createRoutes<Env>()
  .openapi(listWebhookDeliveries, async (c) => {
    const vendorId = requireVendor(c);
    const { limit, cursor, endpointId, status } = c.req.valid("query");
    const page = keyset([webhookDeliveries.createdAt, webhookDeliveries.id], "desc", limit, cursor);
    const rows = await drizzle(c.env.DB)
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          eq(webhookDeliveries.vendorId, vendorId),
          endpointId ? eq(webhookDeliveries.endpointId, endpointId) : undefined,
          status ? eq(webhookDeliveries.status, status) : undefined,
          page.after,
        ),
      )
      .orderBy(...page.orderBy)
      .limit(page.fetch);
    const { items, nextCursor } = page.pageOf(rows, (row) => [row.createdAt, row.id]);
    return c.json({ items: items.map(deliveryView), nextCursor }, 200);
  })
  .openapi(getWebhookDelivery, async (c) => {
    const vendorId = requireVendor(c);
    const db = drizzle(c.env.DB);
    const [row] = await db
      .select()
      .from(webhookDeliveries)
      .where(ownDelivery(vendorId, c.req.valid("param").id));
    if (!row) throw new ProblemError(404, "No such webhook delivery.");
    const attempts = await db
      .select()
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, row.id))
      .orderBy(asc(webhookAttempts.attempt));
    return c.json(
      {
        ...deliveryView(row),
        payload: JSON.parse(row.payload),
        attempts: attempts.map(({ attempt, at, statusCode, durationMs, error, nextRetryAt }) => ({
          attempt,
          at,
          statusCode,
          durationMs,
          error,
          nextRetryAt,
        })),
      },
      200,
    );
  })
  .openapi(redeliverWebhook, async (c) => {
    const vendorId = requireVendor(c);
    const { id } = c.req.valid("param");
    const db = drizzle(c.env.DB);
    const [found] = await db
      .select({ active: webhookEndpoints.active })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(ownDelivery(vendorId, id));
    if (!found) throw new ProblemError(404, "No such webhook delivery.");
    if (!found.active) throw new ProblemError(409, "The delivery's endpoint is disabled; enable it first.");
    await armWebhookSweeper(c.env);
    // A new round: any message of the previous one still on the queue is dropped when it arrives.
    const [row] = await db
      .update(webhookDeliveries)
      .set({
        status: "pending",
        round: sql`${webhookDeliveries.round} + 1`,
        roundAttempts: 0,
        dueAt: null,
        nextAttemptAt: null,
      })
      .where(ownDelivery(vendorId, id))
      .returning();
    if (!row) throw new ProblemError(404, "No such webhook delivery.");
    await dispatchPending(c.env, db);
    return c.json(deliveryView(row), 202);
  });
