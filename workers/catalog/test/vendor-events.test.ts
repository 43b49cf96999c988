import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import CatalogWorker from "../src/index.ts";

function event(type: string, data: Record<string, unknown>, occurredAt: string, id = `evt_${crypto.randomUUID()}`) {
  return { id, type, version: 1, occurredAt, source: "vendors", traceId: "trace-test", data };
}

async function deliver(...bodies: unknown[]) {
  const batch = createMessageBatch(
    "catalog-inbox",
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await new CatalogWorker(ctx, env).queue(batch);
  return getQueueResult(batch, ctx);
}

const vendorRow = (id: string) =>
  env.DB.prepare("SELECT name, status FROM vendors WHERE id = ?").bind(id).first<{ name: string; status: string }>();

describe("vendor events", () => {
  it("mirror a vendor once, however often an event is delivered", async () => {
    const approved = event(
      "vendor.approved",
      { vendorId: "ven_twice", slug: "twice", name: "Twice", commissionBps: 1000 },
      "2026-11-26T10:00:00.000Z",
    );
    const result = await deliver(approved, approved);
    await deliver(approved);
    expect(result.retryMessages).toEqual([]);
    expect(await vendorRow("ven_twice")).toEqual({ name: "Twice", status: "approved" });
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM processed_events WHERE id = ?")
      .bind(approved.id)
      .first<{ n: number }>();
    expect(count?.n).toBe(1);
  });

  it("never let an older event overwrite a newer state", async () => {
    const data = { vendorId: "ven_order", slug: "order", name: "Order" };
    await deliver(event("vendor.approved", { ...data, commissionBps: 1000 }, "2026-11-26T10:00:00.000Z"));
    await deliver(event("vendor.suspended", { vendorId: "ven_order" }, "2026-11-26T11:00:00.000Z"));
    // The reinstatement's approval (12:00) arrives, then a stale rename from 09:00.
    await deliver(event("vendor.approved", { ...data, commissionBps: 1000 }, "2026-11-26T12:00:00.000Z"));
    await deliver(event("vendor.profile_updated", { ...data, name: "Old name" }, "2026-11-26T09:00:00.000Z"));
    await deliver(event("vendor.suspended", { vendorId: "ven_order" }, "2026-11-26T11:00:00.000Z"));
    expect(await vendorRow("ven_order")).toEqual({ name: "Order", status: "approved" });
  });
});
