import { createExecutionContext, createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Order } from "#lib/contracts/api/orders.ts";
import OrdersWorker from "../src/index.ts";

const order = (status: Order["status"]): Order => ({
  id: "ord_projection",
  status,
  currency: "EUR",
  shipping: 0,
  total: 500,
  lines: [],
  subOrders: [],
  shippingAddress: { recipient: "A", line1: "1 Main St", city: "Springfield", postalCode: "62701", country: "US" },
  paymentDeadline: null,
  refund: null,
  history: [],
  createdAt: "2026-11-26T10:00:00.000Z",
  updatedAt: "2026-11-26T10:00:00.000Z",
});

function updated(version: number, status: Order["status"]) {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: "order.updated",
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "orders",
    traceId: "trace-test",
    data: { version, userId: "usr_projection", order: order(status) },
  };
}

async function deliver(...bodies: unknown[]) {
  const batch = createMessageBatch(
    "orders-inbox",
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  await new OrdersWorker(createExecutionContext(), env).queue(batch);
}

describe("order read model", () => {
  it("keeps the newest version whatever the delivery order, and a duplicate changes nothing", async () => {
    const paid = updated(2, "paid");
    await deliver(paid, paid);
    await deliver(updated(1, "awaiting_payment"));
    const row = await env.DB.prepare("SELECT status, version FROM orders WHERE id = 'ord_projection'").first();
    expect(row).toEqual({ status: "paid", version: 2 });
  });
});
