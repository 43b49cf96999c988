import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import type { Access } from "#lib/contracts/access.ts";
import type { Actor } from "#lib/contracts/actor.ts";
import type { Membership } from "#lib/contracts/rpc.ts";
import { onError, problemUri } from "#lib/http/problem.ts";
import { vendorStanding } from "../workers/gateway/src/middleware/vendor-standing.ts";
import {
  adminSession,
  api,
  createCategory,
  createProduct,
  DELIVERY,
  eventually,
  login,
  profileOf,
  type Session,
  signUp,
  vendorSession,
} from "./helpers.ts";

// The gateway re-checks a vendor's standing at most this long after it last saw it good
// (VENDOR_STANDING_TTL_SECONDS), plus slack for the calls themselves.
const BOUND_MS = 5_000 + 1_500;

let admin: Session;
let categoryId: string;

beforeAll(async () => {
  admin = await adminSession();
  categoryId = await createCategory(admin, `revocation-${crypto.randomUUID().slice(0, 8)}`);
});

const setStock = (token: string, sku: string, onHand: number) =>
  api("PUT", `/api/v1/vendor/inventory/${sku}`, { token, body: { onHand } });

const newProduct = (token: string) =>
  api("POST", "/api/v1/vendor/products", {
    token,
    body: { title: "Late mug", description: "", tags: [], categoryId, currency: "EUR", variants: [{ price: 900 }] },
  });

const decide = (vendorId: string, decision: "suspend" | "approve") =>
  api("POST", `/api/v1/admin/vendors/${vendorId}/${decision}`, { token: admin.accessToken, body: {} });

/** Polls a call until the gateway refuses it (403) and asserts that happened within the bound. */
async function refusedWithinBound(call: () => Promise<Response>): Promise<Response> {
  const started = Date.now();
  let res = await call();
  while (res.status !== 403 && Date.now() - started < BOUND_MS + 2_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await call();
  }
  expect(res.status).toBe(403);
  expect(Date.now() - started).toBeLessThanOrEqual(BOUND_MS);
  return res;
}

async function expectVendorNotActive(res: Response): Promise<string> {
  expect(res.status).toBe(403);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const problem = await res.json<{ type: string; detail: string }>();
  expect(problem.type).toBe(problemUri("vendor-not-active"));
  return problem.detail;
}

/** An approved vendor with one stocked product, having just used its token (so any cache of its standing is warm). */
async function activeVendor(name: string) {
  const vendor = await vendorSession(admin, name);
  const product = await createProduct(vendor, { categoryId }, { stock: 5, publish: true });
  const sku = product.variants[0]?.sku ?? "";
  expect((await setStock(vendor.accessToken, sku, 5)).status).toBe(200);
  return { ...vendor, sku };
}

describe("a suspended vendor's token from before the suspension", () => {
  it("can no longer set stock, create products, add staff, edit the store, get an onboarding link or refund", async () => {
    const vendor = await activeVendor("Suspended Soon");
    const hire = await signUp("Would-be hire");
    await profileOf(hire);
    expect((await decide(vendor.vendorId, "suspend")).status).toBe(200);

    const token = vendor.accessToken;
    expect(await expectVendorNotActive(await refusedWithinBound(() => setStock(token, vendor.sku, 0)))).toMatch(
      /suspended/,
    );
    await expectVendorNotActive(await newProduct(token));
    await expectVendorNotActive(await api("POST", "/api/v1/vendor/staff", { token, body: { email: hire.email } }));
    await expectVendorNotActive(await api("PATCH", "/api/v1/vendor", { token, body: { description: "Still here." } }));
    await expectVendorNotActive(await api("POST", "/api/v1/vendor/payouts/onboarding", { token, body: {} }));
    await expectVendorNotActive(
      await api("POST", "/api/v1/orders/ord_any/refund", {
        token,
        body: { subOrderId: "sub_any" },
        headers: { "idempotency-key": crypto.randomUUID() },
      }),
    );
    await expectVendorNotActive(await api("GET", "/api/v1/vendor/staff", { token }));
  });

  it("cannot read the vendor routes either, but still sees the store's status at /me/vendor", async () => {
    const vendor = await activeVendor("Suspended Reader");
    expect((await decide(vendor.vendorId, "suspend")).status).toBe(200);

    const token = vendor.accessToken;
    await expectVendorNotActive(await refusedWithinBound(() => api("GET", "/api/v1/vendor/orders", { token })));
    await expectVendorNotActive(await api("GET", "/api/v1/vendor/payouts", { token }));
    await expectVendorNotActive(await api("GET", "/api/v1/vendor/products", { token }));
    await expectVendorNotActive(await api("GET", "/api/v1/vendor", { token }));
    const mine = await api("GET", "/api/v1/me/vendor", { token });
    expect(mine.status).toBe(200);
    expect(await mine.json()).toMatchObject({ id: vendor.vendorId, status: "suspended" });
  });

  it("works again, the same token, as soon as the store is reinstated", async () => {
    const vendor = await activeVendor("Reinstated");
    expect((await decide(vendor.vendorId, "suspend")).status).toBe(200);
    await refusedWithinBound(() => setStock(vendor.accessToken, vendor.sku, 1));

    expect((await decide(vendor.vendorId, "approve")).status).toBe(200);
    const restocked = await setStock(vendor.accessToken, vendor.sku, 7);
    expect(restocked.status).toBe(200);
    expect(await restocked.json()).toMatchObject({ onHand: 7 });
    expect((await newProduct(vendor.accessToken)).status).toBe(201);
    expect(
      (await api("POST", "/api/v1/vendor/payouts/onboarding", { token: vendor.accessToken, body: {} })).status,
    ).toBe(200);
  });

  it("leaves every other vendor alone", async () => {
    const [suspended, other] = await Promise.all([activeVendor("Suspended Neighbour"), activeVendor("Unaffected")]);
    expect((await decide(suspended.vendorId, "suspend")).status).toBe(200);
    await refusedWithinBound(() => setStock(suspended.accessToken, suspended.sku, 0));

    expect((await setStock(other.accessToken, other.sku, 3)).status).toBe(200);
    expect((await newProduct(other.accessToken)).status).toBe(201);
    expect(
      (await api("PATCH", "/api/v1/vendor", { token: other.accessToken, body: { description: "Open as usual." } }))
        .status,
    ).toBe(200);
  });
});

describe("a removed staff member's token from before the removal", () => {
  it("can no longer set the store's stock or create a product, nor act for it after joining another store", async () => {
    const owner = await activeVendor("Staffed Store");
    const hire = await signUp("Hire");
    await profileOf(hire);
    expect(
      (await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: hire.email } })).status,
    ).toBe(201);
    const staffToken = (await login(hire.email)).accessToken;
    expect((await setStock(staffToken, owner.sku, 4)).status).toBe(200);

    expect((await api("DELETE", `/api/v1/vendor/staff/${hire.userId}`, { token: owner.accessToken })).status).toBe(204);
    expect(await expectVendorNotActive(await refusedWithinBound(() => setStock(staffToken, owner.sku, 0)))).toMatch(
      /no longer/,
    );
    await expectVendorNotActive(await newProduct(staffToken));

    const otherStore = await vendorSession(admin, "Next Employer");
    expect(
      (await api("POST", "/api/v1/vendor/staff", { token: otherStore.accessToken, body: { email: hire.email } }))
        .status,
    ).toBe(201);
    await expectVendorNotActive(await setStock(staffToken, owner.sku, 0));

    const level = await setStock(owner.accessToken, owner.sku, 4);
    expect(level.status).toBe(200);
    expect(await level.json()).toMatchObject({ onHand: 4 });
  });
});

describe("buying from a store right after its suspension", () => {
  // The catalog learns of a suspension from the vendor.suspended event on its inbox, published
  // right after the vendors Worker commits; its consumer waits up to 1 s to fill a batch.
  const EVENT_BOUND_MS = 3_000;

  it("stops within the event's delivery time: the cart flags the line and checkout refuses it", async () => {
    const vendor = await activeVendor("Suspended Shop");
    const shopper = await signUp("Shopper");
    await eventually(
      () => api("POST", "/api/v1/cart/items", { token: shopper.accessToken, body: { sku: vendor.sku, qty: 1 } }),
      (res) => res.status === 200,
    );
    expect((await decide(vendor.vendorId, "suspend")).status).toBe(200);
    const suspendedAt = Date.now();

    const cart = await eventually(
      () =>
        api("GET", "/api/v1/cart", { token: shopper.accessToken }).then((res) =>
          res.json<{ lines: { sku: string; status: string }[] }>(),
        ),
      (body) => body.lines.some((line) => line.sku === vendor.sku && line.status === "not_on_sale"),
      100,
    );
    expect(cart.lines).toHaveLength(1);
    expect(Date.now() - suspendedAt).toBeLessThanOrEqual(EVENT_BOUND_MS);
    const checkout = await api("POST", "/api/v1/checkout", {
      token: shopper.accessToken,
      body: { shippingAddress: DELIVERY },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(checkout.status).toBe(409);
    expect((await checkout.json<{ detail: string }>()).detail).toContain(`${vendor.sku} (not_on_sale)`);
  });
});

describe("the gateway's standing check", () => {
  /** The check alone, behind a stand-in vendors Worker that counts its calls. */
  function harness(access: Access, actor: Actor, answer: () => Promise<Membership | null>) {
    const calls = { n: 0 };
    const vendors = {
      membership: () => {
        calls.n += 1;
        return answer();
      },
    };
    const env = { VENDORS: vendors, VENDOR_STANDING_TTL_SECONDS: "1" } as unknown as Env;
    const app = new Hono<{ Bindings: Env }>();
    app.onError(onError);
    app.use((c, next) => {
      c.set("actor", actor);
      return next();
    });
    for (const check of vendorStanding(access)) app.use(check);
    app.get("/", (c) => c.text("ok"));
    return { calls, call: () => app.request("/", {}, env) };
  }
  const staffOf = (vid: string): Actor => ({ sub: `usr_${crypto.randomUUID()}`, roles: ["customer", "vendor"], vid });

  it("asks the vendors Worker once for a run of calls, and again once the TTL has passed", async () => {
    const { calls, call } = harness("vendor", staffOf("ven_1"), async () => ({
      vendorId: "ven_1",
      role: "staff",
      status: "approved",
    }));
    for (let i = 0; i < 10; i++) expect((await call()).status).toBe(200);
    expect(calls.n).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await call()).status).toBe(200);
    expect(calls.n).toBe(2);
  });

  it("never remembers a refusal, so a reinstated store is let in on its next call", async () => {
    let status: Membership["status"] = "suspended";
    const { calls, call } = harness("vendor", staffOf("ven_2"), async () => ({
      vendorId: "ven_2",
      role: "owner",
      status,
    }));
    await expectVendorNotActive(await call());
    await expectVendorNotActive(await call());
    status = "approved";
    expect((await call()).status).toBe(200);
    expect(calls.n).toBe(3);
  });

  it("refuses a token whose store is not the one the user belongs to now", async () => {
    const { call } = harness("vendor", staffOf("ven_old"), async () => ({
      vendorId: "ven_new",
      role: "staff",
      status: "approved",
    }));
    expect(await expectVendorNotActive(await call())).toMatch(/no longer belong/);
  });

  it("does not ask about an admin on a vendor_or_admin route, but does on a vendor route", async () => {
    const admin: Actor = { ...staffOf("ven_3"), roles: ["customer", "vendor", "admin"] };
    const asAdmin = harness("vendor_or_admin", admin, async () => null);
    expect((await asAdmin.call()).status).toBe(200);
    expect(asAdmin.calls.n).toBe(0);
    const asVendor = harness("vendor", admin, async () => null);
    await expectVendorNotActive(await asVendor.call());
  });

  it("answers 503 with Retry-After when the vendors Worker cannot be reached, never letting the call through", async () => {
    const { call } = harness("vendor", staffOf("ven_4"), async () => {
      throw new Error("vendors is down");
    });
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("2");
  });
});
