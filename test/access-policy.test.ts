import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { Access } from "#lib/contracts/access.ts";
import { PUBLIC_API } from "#lib/contracts/api/index.ts";
import { GATEWAY_ROUTES } from "../workers/gateway/src/app.ts";
import {
  adminSession,
  api,
  arrangeReview,
  createCategory,
  createProduct,
  DELIVERY,
  eventually,
  freshIp,
  profileOf,
  publishPaymentEvent,
  type Session,
  signUp,
  TINY_PNG,
  vendorSession,
} from "./helpers.ts";
import { deliver, eventsFor } from "./stripe.ts";

type ActorName = "anonymous" | "customerA" | "customerB" | "vendorA" | "vendorB" | "admin";
const ACTORS: ActorName[] = ["anonymous", "customerA", "customerB", "vendorA", "vendorB", "admin"];

/** What each access level lets each kind of caller do, written out rather than derived from the gateway's code. */
const EXPECTED: Record<Access, Record<ActorName, "allow" | 401 | 403>> = {
  anonymous: {
    anonymous: "allow",
    customerA: "allow",
    customerB: "allow",
    vendorA: "allow",
    vendorB: "allow",
    admin: "allow",
  },
  customer: {
    anonymous: 401,
    customerA: "allow",
    customerB: "allow",
    vendorA: "allow",
    vendorB: "allow",
    admin: "allow",
  },
  vendor: { anonymous: 401, customerA: 403, customerB: 403, vendorA: "allow", vendorB: "allow", admin: 403 },
  admin: { anonymous: 401, customerA: 403, customerB: 403, vendorA: 403, vendorB: 403, admin: "allow" },
  vendor_or_admin: {
    anonymous: 401,
    customerA: 403,
    customerB: 403,
    vendorA: "allow",
    vendorB: "allow",
    admin: "allow",
  },
};

/**
 * A record owned by customer A (or vendor A) for each customer or vendor route
 * with a path parameter: the other customer (or vendor) must get 404 there. A new
 * such route fails this suite until it adds its fixture here.
 */
const productOf = async (owner: Session) => ({ id: (await createProduct(owner, { categoryId })).id });

/** An order of the customer for one unit of a fresh product of vendor A's. */
async function orderOf(customer: Session) {
  const product = await createProduct(sessions.vendorA, { categoryId }, { stock: 5, publish: true });
  const sku = product.variants[0]!.sku;
  await eventually(
    () => api("POST", "/api/v1/cart/items", { token: customer.accessToken, body: { sku, qty: 1 } }),
    (r) => r.status === 200,
  );
  const res = await api("POST", "/api/v1/checkout", {
    token: customer.accessToken,
    body: { shippingAddress: DELIVERY },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ order: { id: string; total: number } }>()).order;
}

/** An order of customer A's paid through Stripe (the local server), its vendor shares recorded by payments. */
async function paidOrderWithShares() {
  const product = await createProduct(sessions.vendorA, { categoryId }, { stock: 5, publish: true });
  const sku = product.variants[0]!.sku;
  const token = sessions.customerA.accessToken;
  await eventually(
    () => api("POST", "/api/v1/cart/items", { token, body: { sku, qty: 1 } }),
    (r) => r.status === 200,
  );
  const res = await api("POST", "/api/v1/checkout", {
    token,
    body: { shippingAddress: DELIVERY, paymentMethod: "pm_card_visa" },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  const { order } = await res.json<{ order: { id: string } }>();
  const [event] = await eventually(
    () => eventsFor(order.id, "payment_intent.succeeded"),
    (events) => events.length > 0,
  );
  await deliver(event!);
  const paid = await eventually(
    () =>
      api("GET", `/api/v1/orders/${order.id}`, { token }).then((r) =>
        r.json<{ id: string; status: string; subOrders: { id: string; vendorId: string }[] }>(),
      ),
    (o) => o.status === "paid",
  );
  await eventually(
    () =>
      api("GET", "/api/v1/vendor/payouts", { token: sessions.vendorA.accessToken }).then((r) =>
        r.json<{ items: { subOrderId: string }[] }>(),
      ),
    (p) => p.items.some((e) => e.subOrderId === paid.subOrders[0]?.id),
  );
  return paid;
}

/** A webhook endpoint of the vendor's (a local URL nothing listens on: a redelivery just fails). */
async function webhookEndpointOf(vendor: Session) {
  const res = await api("POST", "/api/v1/vendor/webhook-endpoints", {
    token: vendor.accessToken,
    body: { url: "http://127.0.0.1:9/hooks", events: ["sub_order.paid"] },
  });
  return (await res.json<{ id: string }>()).id;
}

/** A delivery to one of the vendor's endpoints, written as the notifications Worker records one. */
async function webhookDeliveryOf(vendor: Session) {
  const endpointId = await webhookEndpointOf(vendor);
  const id = `whd_${crypto.randomUUID()}`;
  await env.NOTIFICATIONS_DB.prepare(
    `INSERT INTO webhook_deliveries (id, vendor_id, endpoint_id, event_id, kind, key, payload, status, created_at)
     SELECT ?1, vendor_id, id, 'wev_matrix', 'sub_order.paid', ?1, '{}', 'failed', ?2 FROM webhook_endpoints WHERE id = ?3`,
  )
    .bind(id, new Date().toISOString(), endpointId)
    .run();
  return id;
}

/** A paid order's sub-order of vendor A's, once the vendor's list shows it. */
async function subOrderOf(vendor: Session) {
  const order = await orderOf(sessions.customerA);
  await publishPaymentEvent("payment.succeeded", {
    orderId: order.id,
    paymentId: `pi_${order.id}`,
    amount: order.total,
    currency: "EUR",
  });
  const list = await eventually(
    () =>
      api("GET", "/api/v1/vendor/orders?limit=100", { token: vendor.accessToken }).then((r) =>
        r.json<{ items: { id: string; orderId: string }[] }>(),
      ),
    (page) => page.items.some((s) => s.orderId === order.id),
  );
  return list.items.find((s) => s.orderId === order.id)!.id;
}
/** A shipping profile of the vendor's, each in a currency of its own (a store has one profile per currency). */
// Not EUR: the vendors' EUR profile (beforeAll) ships everywhere, so the orders other fixtures place stay shippable.
const profileCurrencies = ["USD", "GBP", "CHF", "SEK", "DKK", "NOK", "PLN", "CAD"];
async function shippingProfileOf(owner: Session) {
  const body = {
    name: "Matrix",
    currency: profileCurrencies.shift(),
    zones: [{ name: "World", countries: ["*"], flatRate: 500, perKgRate: 100, freeShippingThreshold: null }],
  };
  const res = await api("POST", "/api/v1/vendor/shipping-profiles", { token: owner.accessToken, body });
  return { id: (await res.json<{ id: string }>()).id, body };
}

const OWNED_RECORDS: Record<
  string,
  (owner: Session) => Promise<{ id: string; body?: unknown; headers?: Record<string, string> }>
> = {
  // Vendor A's sub-order (the owner is always vendor A for vendor routes).
  "/api/v1/orders/{id}/refund": async () => {
    const order = await paidOrderWithShares();
    return {
      id: order.id,
      body: { subOrderId: order.subOrders[0]!.id, amount: 1 },
      headers: { "idempotency-key": crypto.randomUUID() },
    };
  },
  "/api/v1/vendor/staff/{userId}": async (owner) => {
    const hire = await signUp("Hire");
    await profileOf(hire);
    const res = await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: hire.email } });
    return { id: (await res.json<{ userId: string }>()).userId };
  },
  "/api/v1/me/addresses/{id}": async (owner) => {
    const res = await api("POST", "/api/v1/me/addresses", {
      token: owner.accessToken,
      body: { recipient: "A", line1: "1 Main St", city: "Springfield", postalCode: "62701", country: "US" },
    });
    return { id: (await res.json<{ id: string }>()).id };
  },
  "/api/v1/vendor/products/{id}": productOf,
  "/api/v1/vendor/products/{id}/publish": productOf,
  "/api/v1/vendor/products/{id}/archive": productOf,
  "/api/v1/vendor/products/{id}/images": async (owner) => ({ ...(await productOf(owner)), body: TINY_PNG }),
  "/api/v1/orders/{id}": async (owner) => ({ id: (await orderOf(owner)).id }),
  "/api/v1/orders/{id}/cancel": async (owner) => ({ id: (await orderOf(owner)).id }),
  "/api/v1/vendor/orders/{id}/accept": async (owner) => ({ id: await subOrderOf(owner) }),
  "/api/v1/vendor/orders/{id}/ship": async (owner) => ({
    id: await subOrderOf(owner),
    body: { carrier: "DHL", trackingNumber: "JD0146000" },
  }),
  // The customer's welcome, made from user.registered.
  "/api/v1/me/notifications/{id}/read": async (owner) => {
    const page = await eventually(
      () =>
        api("GET", "/api/v1/me/notifications", { token: owner.accessToken }).then((r) =>
          r.json<{ items: { id: string }[] }>(),
        ),
      (p) => p.items.length > 0,
    );
    return { id: page.items[0]!.id };
  },
  "/api/v1/vendor/shipping-profiles/{id}": shippingProfileOf,
  // The customer's order, once shipping has seen it.
  "/api/v1/orders/{id}/tracking": async (owner) => {
    const { id } = await orderOf(owner);
    await eventually(
      () => api("GET", `/api/v1/orders/${id}/tracking`, { token: owner.accessToken }),
      (r) => r.status === 200,
    );
    return { id };
  },
  "/api/v1/vendor/inventory/{sku}": async (owner) => ({
    id: (await createProduct(owner, { categoryId })).variants[0]!.sku,
    body: { onHand: 5 },
  }),
  "/api/v1/vendor/webhook-endpoints/{id}": async (owner) => ({ id: await webhookEndpointOf(owner) }),
  "/api/v1/vendor/webhook-endpoints/{id}/rotate-secret": async (owner) => ({ id: await webhookEndpointOf(owner) }),
  "/api/v1/vendor/webhook-deliveries/{id}": async (owner) => ({ id: await webhookDeliveryOf(owner) }),
  "/api/v1/vendor/webhook-deliveries/{id}/redeliver": async (owner) => ({ id: await webhookDeliveryOf(owner) }),
  "/api/v1/reviews/{id}": async (owner) => ({
    id: (await arrangeReview({ productId: "prd_matrix", vendorId: "ven_matrix", userId: owner.userId, rating: 3 })).id,
    body: { rating: 2 },
  }),
  "/api/v1/vendor/reviews/{id}/reply": async (owner) => {
    const store = await api("GET", "/api/v1/vendor", { token: owner.accessToken }).then((r) =>
      r.json<{ id: string }>(),
    );
    const review = await arrangeReview({
      productId: "prd_matrix",
      vendorId: store.id,
      userId: `usr_${crypto.randomUUID()}`,
      rating: 3,
    });
    return { id: review.id, body: { body: "Thank you." } };
  },
};

/**
 * Customer routes whose path parameter names a public record (a product, a visible review) rather
 * than one the caller owns: either customer reaches it, so neither gets a 404.
 */
const SHARED_RECORDS: Record<string, () => Promise<{ id: string; body: unknown }>> = {
  "/api/v1/products/{id}/reviews": async () => ({
    id: (await createProduct(sessions.vendorA, { categoryId }, { publish: true })).id,
    body: { rating: 4, title: "Fine", body: "Does the job." },
  }),
  "/api/v1/reviews/{id}/report": async () => ({
    id: (
      await arrangeReview({
        productId: "prd_matrix",
        vendorId: "ven_matrix",
        userId: `usr_${crypto.randomUUID()}`,
        rating: 1,
      })
    ).id,
    body: { reason: "Spam" },
  }),
};

const sessions = {} as Record<Exclude<ActorName, "anonymous">, Session>;
let categoryId: string;

beforeAll(async () => {
  sessions.admin = await adminSession();
  categoryId = await createCategory(sessions.admin, `matrix-${crypto.randomUUID().slice(0, 8)}`);
  [sessions.customerA, sessions.customerB, sessions.vendorA, sessions.vendorB] = await Promise.all([
    signUp("Customer A"),
    signUp("Customer B"),
    vendorSession(sessions.admin, "Vendor A"),
    vendorSession(sessions.admin, "Vendor B"),
  ]);
  await profileOf(sessions.customerA);
  await profileOf(sessions.customerB);
  // A store whose only profiles are in other currencies cannot ship a EUR cart: both stores ship EUR carts anywhere.
  for (const vendor of [sessions.vendorA, sessions.vendorB]) {
    const res = await api("POST", "/api/v1/vendor/shipping-profiles", {
      token: vendor.accessToken,
      body: {
        name: "Everywhere",
        currency: "EUR",
        zones: [{ name: "World", countries: ["*"], flatRate: 0, perKgRate: 0, freeShippingThreshold: null }],
      },
    });
    expect(res.status).toBe(201);
  }
});

function call(
  method: string,
  path: string,
  actor: ActorName,
  body: unknown,
  extraHeaders: Record<string, string> = {},
) {
  const token = actor === "anonymous" ? undefined : sessions[actor].accessToken;
  const headers: Record<string, string> =
    body instanceof Uint8Array ? { "content-type": "image/png", ...extraHeaders } : extraHeaders;
  return api(method, path, { token, ip: freshIp(), body, headers });
}

/** Some body of the route's media type: valid or not, it must never change who is let in. */
function bodyFor(types: string[]): unknown {
  if (types.length === 0) return undefined;
  return types.includes("application/json") ? {} : TINY_PNG;
}

const routes = PUBLIC_API.flatMap(({ routes }) =>
  routes.map((route) => ({
    method: route.method.toUpperCase(),
    path: route.path,
    access: route["x-access"],
    body: bodyFor(Object.keys(route.request?.body?.content ?? {})),
  })),
).concat(GATEWAY_ROUTES.map((route) => ({ ...route, access: "anonymous" as const, body: undefined })));

describe.each(routes)("$method $path ($access)", ({ method, path, access, body }) => {
  it.each(ACTORS)("as %s", async (actor) => {
    const concrete = path.replace(/\{\w+\}/g, "id_that_does_not_exist");
    const res = await call(method, concrete, actor, body);
    const expected = EXPECTED[access][actor];
    if (expected === "allow") {
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(expected);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  const param = path.match(/\{\w+\}/)?.[0];
  const shared = access === "customer" ? SHARED_RECORDS[path] : undefined;
  if (param && shared) {
    it("reaches the shared record for either account of the kind", async () => {
      const record = await shared();
      const concrete = path.replace(param, record.id);
      expect((await call(method, concrete, "customerB", record.body)).status).not.toBe(404);
      expect((await call(method, concrete, "customerA", record.body)).status).not.toBe(404);
    });
  }
  if (param && !shared && (access === "customer" || access === "vendor" || access === "vendor_or_admin")) {
    it("hides the owner's record from the other account of the same kind (404)", async () => {
      const fixture = OWNED_RECORDS[path];
      expect(fixture, `add an OWNED_RECORDS fixture for ${path}`).toBeDefined();
      const [owner, other] =
        access === "customer" ? (["customerA", "customerB"] as const) : (["vendorA", "vendorB"] as const);
      const record = await fixture!(sessions[owner]);
      const concrete = path.replace(param, record.id);
      // A route without a body (GET, DELETE) gets none, whatever the fixture's other methods need.
      const recordBody = body === undefined ? undefined : (record.body ?? body);
      expect((await call(method, concrete, other, recordBody, record.headers)).status).toBe(404);
      expect((await call(method, concrete, owner, recordBody, record.headers)).status).not.toBe(404);
    });
  }
});
