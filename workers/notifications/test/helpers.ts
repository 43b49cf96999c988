import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Order, SubOrder } from "#lib/contracts/api/orders.ts";
import { deliveries, notifications } from "../src/db/schema.ts";
import NotificationsWorker from "../src/index.ts";

export const db = drizzle(env.DB);
const mailboxUrl = (env as { EMAIL_API_URL: string }).EMAIL_API_URL;

export const uid = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;

export function event(type: string, data: unknown, id = uid("evt")) {
  return { id, type, version: 1, occurredAt: new Date().toISOString(), source: "test", traceId: "trace-test", data };
}

/** One batch to the inbox, as the queue would deliver it (`attempts` > 1: a redelivery). */
export async function deliver(bodies: unknown[], attempts = 1) {
  const batch = createMessageBatch(
    "notifications-inbox",
    bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await new NotificationsWorker(ctx, env).queue(batch);
  return getQueueResult(batch, ctx);
}

export interface Mail {
  id: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export async function mailTo(address: string): Promise<Mail[]> {
  const res = await fetch(`${mailboxUrl}/api/messages?to=${encodeURIComponent(address)}`);
  return (await res.json<{ items: Mail[] }>()).items;
}

export function failNextSends(count: number) {
  return fetch(`${mailboxUrl}/_control/fail?count=${count}`, { method: "POST" });
}

export const emailOf = (userId: string) => `${userId}@example.test`;
export const ownerOf = (vendorId: string) => `usr_owner_${vendorId}`;

export const inboxOf = (userId: string) => db.select().from(notifications).where(eq(notifications.userId, userId));
export const deliveriesOf = (userId: string) => db.select().from(deliveries).where(eq(deliveries.userId, userId));

export function call(userId: string, method: string, path: string, body?: unknown) {
  return exports.default.fetch(`http://notifications${path}`, {
    method,
    headers: {
      "x-actor": JSON.stringify({ sub: userId, roles: ["customer"] }),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
}

export function subOrder(vendorId: string, patch: Partial<SubOrder> = {}): SubOrder {
  return {
    id: uid("sub"),
    vendorId,
    status: "pending",
    lines: [
      {
        sku: uid("sku"),
        productId: uid("prd"),
        vendorId,
        title: "Stoneware mug",
        attributes: { colour: "blue" },
        qty: 2,
        unitPrice: 1250,
        lineTotal: 2500,
      },
    ],
    shipping: 490,
    total: 2990,
    refunded: 0,
    carrier: null,
    trackingNumber: null,
    ...patch,
  };
}

/** An order of these sub-orders, `paid` unless said otherwise (its history then has the paid step). */
export function order(subOrders: SubOrder[], status: Order["status"] = "paid", currency = "EUR"): Order {
  const lines = subOrders.flatMap((s) => s.lines);
  const shipping = subOrders.reduce((n, s) => n + s.shipping, 0);
  const now = new Date().toISOString();
  const history = [{ status: "awaiting_payment", at: now, note: null }];
  if (status !== "awaiting_payment") history.push({ status: "paid", at: now, note: null });
  return {
    id: uid("ord"),
    status,
    currency,
    shipping,
    total: subOrders.reduce((n, s) => n + s.total, 0),
    lines,
    subOrders,
    shippingAddress: {
      recipient: "Ada Lovelace",
      line1: "12 St James's Square",
      city: "London",
      postalCode: "SW1Y 4JH",
      country: "GB",
    },
    paymentDeadline: null,
    refund: null,
    history,
    createdAt: now,
    updatedAt: now,
  };
}

export const orderUpdated = (userId: string, o: Order, version: number) =>
  event("order.updated", { version, userId, order: o });
