import { and, count, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "#lib/contracts/api/vendor-webhooks.ts";
import { newId } from "#lib/contracts/ids.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { webhookConfig } from "./config.ts";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./schema.ts";
import { newWebhookSecret, sealSecret } from "./signing.ts";
import { refuseWebhookUrl } from "./urls.ts";
import { endpointView } from "./views.ts";

function checkUrl(url: string, env: Env): void {
  const refusal = refuseWebhookUrl(url, webhookConfig(env).allowLocalUrls);
  if (refusal) {
    throw new ProblemError(400, "The request json is invalid.", { errors: [{ path: "url", message: refusal }] });
  }
}

const ownEndpoint = (vendorId: string, id: string) =>
  and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.vendorId, vendorId));

export const endpointRoutes = createRoutes<Env>()
  .openapi(listWebhookEndpoints, async (c) => {
    const vendorId = requireVendor(c);
    const rows = await drizzle(c.env.DB)
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.vendorId, vendorId))
      .orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
    return c.json({ items: rows.map(endpointView) }, 200);
  })
  .openapi(createWebhookEndpoint, async (c) => {
    const vendorId = requireVendor(c);
    const body = c.req.valid("json");
    checkUrl(body.url, c.env);
    const db = drizzle(c.env.DB);
    const { maxEndpoints } = webhookConfig(c.env);
    const [existing] = await db
      .select({ n: count() })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.vendorId, vendorId));
    if ((existing?.n ?? 0) >= maxEndpoints) {
      throw new ProblemError(422, `A store has at most ${maxEndpoints} webhook endpoints.`, {
        type: "unknown-reference",
        errors: [{ path: "url", message: `At most ${maxEndpoints} endpoints; remove one first.` }],
      });
    }
    const secret = newWebhookSecret();
    const now = new Date().toISOString();
    const [row] = await db
      .insert(webhookEndpoints)
      .values({
        id: newId("webhookEndpoint"),
        vendorId,
        url: body.url,
        description: body.description ?? null,
        events: body.events,
        secretSealed: await sealSecret(c.env.WEBHOOK_SECRET_KEY, secret),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new ProblemError(503, "The endpoint could not be recorded; retry.");
    return c.json({ ...endpointView(row), secret }, 201);
  })
  .openapi(getWebhookEndpoint, async (c) => {
    const vendorId = requireVendor(c);
    const [row] = await drizzle(c.env.DB)
      .select()
      .from(webhookEndpoints)
      .where(ownEndpoint(vendorId, c.req.valid("param").id));
    if (!row) throw new ProblemError(404, "No such webhook endpoint.");
    return c.json(endpointView(row), 200);
  })
  .openapi(updateWebhookEndpoint, async (c) => {
    const vendorId = requireVendor(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    if (body.url !== undefined) checkUrl(body.url, c.env);
    const [row] = await drizzle(c.env.DB)
      .update(webhookEndpoints)
      .set({
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.events !== undefined ? { events: body.events } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.active === true ? { active: true, disabledReason: null, failureStreak: 0 } : {}),
        ...(body.active === false ? { active: false, disabledReason: "Disabled by the store." } : {}),
        updatedAt: new Date().toISOString(),
      })
      .where(ownEndpoint(vendorId, id))
      .returning();
    if (!row) throw new ProblemError(404, "No such webhook endpoint.");
    return c.json(endpointView(row), 200);
  })
  .openapi(deleteWebhookEndpoint, async (c) => {
    const vendorId = requireVendor(c);
    const { id } = c.req.valid("param");
    const db = drizzle(c.env.DB);
    const [row] = await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(ownEndpoint(vendorId, id));
    if (!row) throw new ProblemError(404, "No such webhook endpoint.");
    const deliveries = db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.endpointId, id));
    await db.batch([
      db.delete(webhookAttempts).where(inArray(webhookAttempts.deliveryId, deliveries)),
      db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)),
      db.delete(webhookEndpoints).where(ownEndpoint(vendorId, id)),
    ]);
    return c.body(null, 204);
  })
  .openapi(rotateWebhookSecret, async (c) => {
    const vendorId = requireVendor(c);
    const secret = newWebhookSecret();
    const [row] = await drizzle(c.env.DB)
      .update(webhookEndpoints)
      .set({
        secretSealed: await sealSecret(c.env.WEBHOOK_SECRET_KEY, secret),
        updatedAt: new Date().toISOString(),
      })
      .where(ownEndpoint(vendorId, c.req.valid("param").id))
      .returning();
    if (!row) throw new ProblemError(404, "No such webhook endpoint.");
    return c.json({ ...endpointView(row), secret }, 200);
  });
