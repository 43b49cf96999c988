import {
  createExecutionContext,
  createMessageBatch,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebhookDelivery, WebhookDeliveryDetail } from "#lib/contracts/api/vendor-webhooks.ts";
import NotificationsWorker from "../src/index.ts";
import { webhookDeliveries as deliveries, webhookEndpoints } from "../src/webhooks/schema.ts";
import { webhookDeliveries } from "../src/webhooks/seam.ts";
import { signatureHeader, signatureOf } from "../src/webhooks/signing.ts";
import { deliver as deliverToInbox, order, orderUpdated, subOrder, uid } from "./helpers.ts";

const db = drizzle(env.DB);

type Received = { url: string; headers: Headers; body: string };
let received: Received[] = [];

/** The vendors' receivers: the path says how they answer (the Worker's outbound fetch is stubbed). */
function receiver(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  return request.text().then((body) => {
    received.push({ url: request.url, headers: request.headers, body });
    const path = new URL(request.url).pathname;
    if (path === "/fail") return new Response("boom: receiver is down", { status: 500 });
    if (path === "/moved")
      return new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } });
    return new Response("ok", { status: 200 });
  });
}

beforeEach(() => {
  received = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(receiver);
});
afterEach(() => vi.restoreAllMocks());

type Vendor = { sub: string; roles: string[]; vid: string };
const vendor = (name: string): Vendor => ({ sub: `usr_${name}`, roles: ["vendor"], vid: `ven_${crypto.randomUUID()}` });
// The database lives for the whole file: each test has stores of its own.
let vendorA: Vendor;
let vendorB: Vendor;
beforeEach(() => {
  vendorA = vendor("a");
  vendorB = vendor("b");
});

function call(vendor: Vendor, method: string, path: string, body?: unknown) {
  return exports.default.fetch(`http://notifications/api/v1/vendor/${path}`, {
    method,
    headers: { "x-actor": JSON.stringify(vendor), ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function createEndpoint(vendor: Vendor, url: string, events = ["sub_order.paid"]) {
  const res = await call(vendor, "POST", "webhook-endpoints", { url, events, description: "orders" });
  expect(res.status).toBe(201);
  return res.json<{ id: string; secret: string; url: string }>();
}

/** What a consumer does: the seam's statements in one batch, then the queue handler sends them. */
async function emit(vendorId: string, key: string, kind: "sub_order.paid" | "review.created" = "sub_order.paid") {
  const statements = await webhookDeliveries(db, { vendorId, kind, data: { subOrderId: "sub_1", total: 1250 }, key });
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
  return statements.length;
}

/** Runs the vendor-webhooks queue handler on these messages, as the queue would. */
async function runQueue(messages: { body: unknown; attempts?: number }[]) {
  const batch = createMessageBatch(
    "vendor-webhooks",
    messages.map((m, i) => ({
      id: `msg-${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: m.attempts ?? 1,
      body: m.body,
    })),
  );
  // getQueueResult does not report a retry's delay: read it off the calls.
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await new NotificationsWorker(ctx, env).queue(batch);
  const delays = retries.flatMap((spy) => spy.mock.calls.map(([options]) => options?.delaySeconds));
  return { ...(await getQueueResult(batch, ctx)), delays };
}

async function deliveriesOf(endpointId: string) {
  return db.select().from(deliveries).where(eq(deliveries.endpointId, endpointId));
}

async function detail(vendor: Vendor, id: string) {
  const res = await call(vendor, "GET", `webhook-deliveries/${id}`);
  expect(res.status).toBe(200);
  return res.json<WebhookDeliveryDetail>();
}

/** A receiver's check, as a vendor would write it (WebCrypto; `verify` compares in constant time). */
async function verify(secret: string, header: string, body: string, toleranceSeconds = 300): Promise<boolean> {
  const { t, v1 }: Record<string, string | undefined> = Object.fromEntries(
    header.split(",").map((part) => part.split("=", 2)),
  );
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "verify",
  ]);
  const mac = Uint8Array.from(v1.match(/../g) ?? [], (hex) => Number.parseInt(hex, 16));
  return crypto.subtle.verify("HMAC", key, mac, encoder.encode(`${t}.${body}`));
}

describe("webhook signatures", () => {
  it("signs `<t>.<body>` with HMAC-SHA256 (a known vector, from Python's hmac)", async () => {
    expect(await signatureOf("whsec_test", 1700000000, '{"id":"wev_1"}')).toBe(
      "27fa4da8000cdc8e4fa3a6c7f4d63275877192daa9709e3f0c80a458a3f0cfae",
    );
    expect(await signatureHeader("whsec_test", '{"id":"wev_1"}', 1700000000_999)).toBe(
      "t=1700000000,v1=27fa4da8000cdc8e4fa3a6c7f4d63275877192daa9709e3f0c80a458a3f0cfae",
    );
  });
});

describe("webhook endpoints", () => {
  it("shows the secret only on create and rotate, and stores it sealed", async () => {
    const created = await createEndpoint(vendorA, "https://hooks.example.com/sealed-check");
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.id));
    expect(row?.secretSealed).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(created.secret.slice("whsec_".length));

    for (const res of [
      await call(vendorA, "GET", `webhook-endpoints/${created.id}`),
      await call(vendorA, "GET", "webhook-endpoints"),
      await call(vendorA, "PATCH", `webhook-endpoints/${created.id}`, { description: "renamed" }),
    ]) {
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(`"secret`);
      expect(text).not.toContain("whsec_");
    }

    const rotated = await call(vendorA, "POST", `webhook-endpoints/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const { secret } = await rotated.json<{ secret: string }>();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.secret);

    // Deliveries are signed with the new secret from now on.
    await emit(vendorA.vid, `rotate-${created.id}`);
    const [delivery] = await deliveriesOf(created.id);
    await runQueue([{ body: { deliveryId: delivery?.id, round: 1 } }]);
    const sent = received.at(-1);
    expect(sent && (await verify(secret, sent.headers.get("marketplace-signature") ?? "", sent.body))).toBe(true);
    expect(sent && (await verify(created.secret, sent.headers.get("marketplace-signature") ?? "", sent.body))).toBe(
      false,
    );
  });

  it.each([
    ["http://hooks.example.com/x", "https"],
    ["https://user:pass@hooks.example.com/x", "credentials"],
    ["https://127.0.0.1/x", "private"],
    ["https://10.1.2.3/x", "private"],
    ["https://192.168.0.10/x", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://0x7f000001/x", "private"],
    ["https://[::1]/x", "private"],
    ["https://[fe80::1]/x", "private"],
    ["https://[::ffff:10.0.0.1]/x", "private"],
    ["https://localhost/x", "local"],
    ["http://localhost:8787/x", "https"],
    ["not a url", "URL"],
  ])("refuses %s with a 400 problem (%s)", async (url, word) => {
    const res = await call(vendorA, "POST", "webhook-endpoints", { url, events: ["sub_order.paid"] });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = await res.json<{ errors: { path: string; message: string }[] }>();
    expect(problem.errors[0]?.path).toBe("url");
    expect(problem.errors[0]?.message).toContain(word);
  });

  it("refuses a private URL on change too, and unknown event kinds", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/patch");
    expect((await call(vendorA, "PATCH", `webhook-endpoints/${id}`, { url: "https://10.0.0.1/" })).status).toBe(400);
    const res = await call(vendorA, "POST", "webhook-endpoints", {
      url: "https://hooks.example.com/",
      events: ["order.paid"],
    });
    expect(res.status).toBe(400);
  });

  it("limits how many endpoints a store has", async () => {
    for (let i = 0; i < 3; i++) await createEndpoint(vendorA, `https://hooks.example.com/${i}`);
    const res = await call(vendorA, "POST", "webhook-endpoints", {
      url: "https://hooks.example.com/4",
      events: ["review.created"],
    });
    expect(res.status).toBe(422);
    expect((await res.json<{ type: string }>()).type).toBe("/problems/unknown-reference");
  });

  it("hides another store's endpoints and deliveries (404)", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/private");
    await emit(vendorA.vid, `hidden-${id}`);
    const [delivery] = await deliveriesOf(id);
    for (const [method, path, body] of [
      ["GET", `webhook-endpoints/${id}`],
      ["PATCH", `webhook-endpoints/${id}`, { description: "mine now" }],
      ["DELETE", `webhook-endpoints/${id}`],
      ["POST", `webhook-endpoints/${id}/rotate-secret`],
      ["GET", `webhook-deliveries/${delivery?.id}`],
      ["POST", `webhook-deliveries/${delivery?.id}/redeliver`],
    ] as const) {
      const res = await call(vendorB, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const lists = [
      await call(vendorB, "GET", "webhook-endpoints"),
      await call(vendorB, "GET", `webhook-deliveries?endpointId=${id}`),
    ];
    for (const res of lists) expect((await res.json<{ items: unknown[] }>()).items).toEqual([]);
    expect((await call(vendorA, "GET", `webhook-endpoints/${id}`)).status).toBe(200);
  });

  it("removes an endpoint with its delivery log", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/removed");
    await emit(vendorA.vid, `removed-${id}`);
    expect(await deliveriesOf(id)).toHaveLength(1);
    expect((await call(vendorA, "DELETE", `webhook-endpoints/${id}`)).status).toBe(204);
    expect((await call(vendorA, "GET", `webhook-endpoints/${id}`)).status).toBe(404);
    expect(await deliveriesOf(id)).toHaveLength(0);
  });
});

describe("webhook deliveries", () => {
  it("creates one delivery per subscribed active endpoint, once per key", async () => {
    const vendor = vendorA;
    const paid = await createEndpoint(vendor, "https://hooks.example.com/paid");
    const reviews = await createEndpoint(vendor, "https://hooks.example.com/reviews", ["review.created"]);
    const off = await createEndpoint(vendor, "https://hooks.example.com/off");
    await call(vendor, "PATCH", `webhook-endpoints/${off.id}`, { active: false });

    expect(await emit(vendor.vid, "evt_same")).toBe(1);
    await emit(vendor.vid, "evt_same");
    expect(await deliveriesOf(paid.id)).toHaveLength(1);
    expect(await deliveriesOf(reviews.id)).toHaveLength(0);
    expect(await deliveriesOf(off.id)).toHaveLength(0);
  });

  it("signs each POST so the receiver can verify it, and marks a 2xx delivered", async () => {
    const { id, secret } = await createEndpoint(vendorA, "https://hooks.example.com/ok");
    await emit(vendorA.vid, `ok-${id}`);
    const [delivery] = await deliveriesOf(id);
    const result = await runQueue([{ body: { deliveryId: delivery?.id, round: 1 } }]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);

    const sent = received.at(-1);
    expect(sent?.url).toBe("https://hooks.example.com/ok");
    expect(sent?.headers.get("content-type")).toBe("application/json");
    expect(sent?.headers.get("marketplace-delivery")).toBe(delivery?.id);
    expect(sent && (await verify(secret, sent.headers.get("marketplace-signature") ?? "", sent.body))).toBe(true);
    expect(sent && (await verify(secret, sent.headers.get("marketplace-signature") ?? "", `${sent.body} `))).toBe(
      false,
    );
    const payload = JSON.parse(sent?.body ?? "{}");
    expect(payload).toEqual({
      id: delivery?.eventId,
      type: "sub_order.paid",
      createdAt: expect.any(String),
      data: { subOrderId: "sub_1", total: 1250 },
    });

    const view = await detail(vendorA, delivery?.id ?? "");
    expect(view).toMatchObject({ status: "delivered", attemptCount: 1, lastStatusCode: 200, payload });
    expect(view.attempts).toEqual([
      {
        attempt: 1,
        at: expect.any(String),
        statusCode: 200,
        durationMs: expect.any(Number),
        error: null,
        nextRetryAt: null,
      },
    ]);
  });

  it("retries a failing receiver with growing delays, then marks the delivery failed", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/fail");
    await emit(vendorA.vid, `fail-${id}`);
    const [delivery] = await deliveriesOf(id);
    const message = { body: { deliveryId: delivery?.id, round: 1 } };
    const delays = [];
    for (const attempts of [1, 2]) {
      const result = await runQueue([{ ...message, attempts }]);
      expect(result.retryMessages).toHaveLength(1);
      delays.push(...result.delays);
    }
    expect(delays).toEqual([1, 2]);
    const last = await runQueue([{ ...message, attempts: 3 }]);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    expect(received.filter((r) => r.url.endsWith("/fail"))).toHaveLength(3);
    // Every attempt carries the same event id.
    expect(new Set(received.map((r) => JSON.parse(r.body).id))).toEqual(new Set([delivery?.eventId]));

    const view = await detail(vendorA, delivery?.id ?? "");
    expect(view).toMatchObject({ status: "failed", attemptCount: 3, lastStatusCode: 500, nextAttemptAt: null });
    expect(view.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(view.attempts[0]?.error).toBe("HTTP 500: boom: receiver is down");
    const waits = view.attempts.map((a) => (a.nextRetryAt ? Date.parse(a.nextRetryAt) - Date.parse(a.at) : null));
    expect(waits).toEqual([1000, 2000, null]);

    const list = await call(vendorA, "GET", `webhook-deliveries?endpointId=${id}&status=failed`);
    expect((await list.json<{ items: WebhookDelivery[] }>()).items.map((d) => d.id)).toEqual([delivery?.id]);
  });

  it("does not follow a redirect", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/moved");
    await emit(vendorA.vid, `moved-${id}`);
    const [delivery] = await deliveriesOf(id);
    const result = await runQueue([{ body: { deliveryId: delivery?.id, round: 1 } }]);
    expect(result.retryMessages).toHaveLength(1);
    expect(received.map((r) => r.url)).toEqual(["https://hooks.example.com/moved"]);
    const view = await detail(vendorA, delivery?.id ?? "");
    expect(view.attempts[0]).toMatchObject({
      statusCode: 302,
      error: "HTTP 302: redirect to https://elsewhere.example/ not followed.",
    });
  });

  it("redelivers on request with a fresh round, dropping the old round's message", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/ok");
    await emit(vendorA.vid, `again-${id}`);
    const [delivery] = await deliveriesOf(id);
    await runQueue([{ body: { deliveryId: delivery?.id, round: 1 } }]);
    const res = await call(vendorA, "POST", `webhook-deliveries/${delivery?.id}/redeliver`);
    expect(res.status).toBe(202);
    expect((await res.json<WebhookDelivery>()).status).toBe("pending");

    const stale = await runQueue([{ body: { deliveryId: delivery?.id, round: 1 } }]);
    expect(stale.explicitAcks).toHaveLength(1);
    expect(received).toHaveLength(1);
    await runQueue([{ body: { deliveryId: delivery?.id, round: 2 } }]);
    expect(received).toHaveLength(2);
    expect((await detail(vendorA, delivery?.id ?? "")).attempts.map((a) => a.attempt)).toEqual([1, 2]);
  });

  it("puts new deliveries on the queue after an inbox batch, and the sweeper re-enqueues what a crash left", async () => {
    const { id } = await createEndpoint(vendorA, "https://hooks.example.com/ok");
    // An inbox batch (even one with no consumer for its events) dispatches what is pending.
    await emit(vendorA.vid, `dispatch-${id}`);
    const inbox = createMessageBatch("notifications-inbox", []);
    await new NotificationsWorker(createExecutionContext(), env).queue(inbox);
    const [claimed] = await deliveriesOf(id);
    expect(claimed?.dueAt).toEqual(expect.any(Number));
    await vi.waitFor(async () => expect((await deliveriesOf(id))[0]?.status).toBe("delivered"), { timeout: 5000 });

    // A delivery committed by a Worker that died before enqueueing it: the sweeper's alarm sends it.
    await emit(vendorA.vid, `crash-${id}`);
    const left = (await deliveriesOf(id)).find((d) => d.key === `crash-${id}`);
    expect(left?.dueAt).toBeNull();
    const sweeper = env.WEBHOOK_SWEEPER.get(env.WEBHOOK_SWEEPER.idFromName("webhooks"));
    await sweeper.arm();
    expect(await runInDurableObject(sweeper, (_, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(sweeper)).toBe(true);
    await vi.waitFor(
      async () => expect((await deliveriesOf(id)).find((d) => d.key === `crash-${id}`)?.status).toBe("delivered"),
      { timeout: 5000 },
    );
  });
});

describe("store notifications", () => {
  it("send a paid sub-order to its store's subscribed endpoints once, however often the order arrives", async () => {
    const mine = await createEndpoint(vendorA, "https://hooks.example.com/ok");
    const reviewsOnly = await createEndpoint(vendorA, "https://hooks.example.com/ok", ["review.created"]);
    const otherStore = await createEndpoint(vendorB, "https://hooks.example.com/ok");
    const paid = order([subOrder(vendorA.vid)]);
    const shopper = uid("usr");
    const twice = orderUpdated(shopper, paid, 2);
    await deliverToInbox([twice, twice]);
    // A newer version showing the same payment, and the first version again, late.
    await deliverToInbox([orderUpdated(shopper, paid, 3), twice]);
    const [delivery, ...more] = await deliveriesOf(mine.id);
    expect(more).toEqual([]);
    expect(delivery).toMatchObject({ kind: "sub_order.paid", vendorId: vendorA.vid });
    const body = JSON.parse(delivery?.payload ?? "{}") as {
      type: string;
      data: { orderId: string; subOrder: { id: string } };
    };
    expect(body).toMatchObject({
      type: "sub_order.paid",
      data: { orderId: paid.id, subOrder: { id: paid.subOrders[0]?.id } },
    });
    expect(await deliveriesOf(reviewsOnly.id)).toEqual([]);
    expect(await deliveriesOf(otherStore.id)).toEqual([]);
  });
});
