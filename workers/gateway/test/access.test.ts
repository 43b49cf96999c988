import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ACTOR_HEADER } from "#lib/contracts/actor.ts";
import { problemUri } from "#lib/http/problem.ts";
import { admin, call, customer, type Seen, type Signer, signingKey, vendor, vendorsStub } from "./helpers.ts";

let key: Signer;
beforeAll(async () => {
  key = await signingKey();
  await key.publish();
});

const json = { "content-type": "application/json" };

describe("authorization by each route's x-access", () => {
  it("lets anyone call an anonymous route, and ignores a bad token there", async () => {
    const res = await call("/api/v1/vendors/some-store", { token: "not.a.token" });
    expect(res.status).toBe(200);
    const seen = await res.json<Seen>();
    expect(seen).toMatchObject({ service: "vendors", path: "/api/v1/vendors/some-store" });
    expect(seen.headers[ACTOR_HEADER]).toBeUndefined();
  });

  it("asks an anonymous caller of a customer route to sign in", async () => {
    const res = await call("/api/v1/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="api"');
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 401, detail: "Sign in to call this route." });
  });

  it("forwards a customer with the verified actor and without the token", async () => {
    const actor = customer();
    const res = await call("/api/v1/me", { token: await key.sign(actor) });
    expect(res.status).toBe(200);
    const seen = await res.json<Seen>();
    expect(seen.service).toBe("users");
    expect(JSON.parse(seen.headers[ACTOR_HEADER] ?? "null")).toEqual({ sub: actor.sub, roles: actor.roles });
    expect(seen.headers.authorization).toBeUndefined();
  });

  it("drops an x-actor header a client sends", async () => {
    const forged = JSON.stringify(admin());
    const anonymous = await call("/api/v1/vendors/some-store", { headers: { [ACTOR_HEADER]: forged } });
    expect((await anonymous.json<Seen>()).headers[ACTOR_HEADER]).toBeUndefined();
    const res = await call("/api/v1/admin/vendors", { headers: { [ACTOR_HEADER]: forged } });
    expect(res.status).toBe(401);
  });

  it.each([
    { route: "/api/v1/vendor", who: "a customer", access: "vendor staff" },
    { route: "/api/v1/admin/vendors", who: "a customer", access: "administrators" },
  ])("refuses $who on a route for $access with 403", async ({ route, access }) => {
    const res = await call(route, { token: await key.sign(customer()) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ status: 403, detail: `This route is for ${access}.` });
  });

  it("refuses a vendor on an admin route and an admin on a vendor route", async () => {
    expect((await call("/api/v1/admin/vendors", { token: await key.sign(await vendor()) })).status).toBe(403);
    expect((await call("/api/v1/vendor", { token: await key.sign(admin()) })).status).toBe(403);
  });

  it("lets a vendor role without a store id through no vendor route", async () => {
    const token = await key.sign({ sub: "usr_storeless", roles: ["customer", "vendor"] });
    expect((await call("/api/v1/vendor", { token })).status).toBe(403);
  });

  it("lets vendor staff and administrators through a vendor_or_admin route, and no customer", async () => {
    const refund = (token: string) =>
      call("/api/v1/orders/ord_1/refund", { method: "POST", token, headers: json, body: "{}" });
    expect((await refund(await key.sign(await vendor()))).status).toBe(200);
    expect((await refund(await key.sign(admin()))).status).toBe(200);
    expect((await refund(await key.sign(customer()))).status).toBe(403);
  });

  it("answers 401 for a malformed, expired or wrongly signed token", async () => {
    const actor = customer();
    const past = Math.floor(Date.now() / 1000) - 3600;
    const forger = await signingKey(key.kid);
    const tokens = {
      malformed: "Basic dXNlcjpwYXNz",
      garbage: "Bearer not.a.token",
      expired: `Bearer ${await key.sign(actor, { claims: { iat: past - 900, exp: past } })}`,
      "signed by another key under the same kid": `Bearer ${await forger.sign(actor)}`,
    };
    for (const [what, authorization] of Object.entries(tokens)) {
      const res = await call("/api/v1/me", { headers: { authorization } });
      expect(res.status, what).toBe(401);
      expect((await res.json<{ detail: string }>()).detail, what).toBe(
        "The access token is missing, malformed, expired or not trusted.",
      );
    }
  });
});

describe("vendor standing", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("forwards staff of an approved store", async () => {
    const actor = await vendor();
    const res = await call("/api/v1/vendor", { token: await key.sign(actor) });
    expect(res.status).toBe(200);
    expect(JSON.parse((await res.json<Seen>()).headers[ACTOR_HEADER] ?? "null")).toMatchObject({ vid: actor.vid });
  });

  it("closes vendor routes of a suspended store with 403 vendor-not-active", async () => {
    const actor = await vendor();
    await vendorsStub.setMembership(actor.sub, { vendorId: actor.vid ?? "", role: "owner", status: "suspended" });
    const res = await call("/api/v1/vendor", { token: await key.sign(actor) });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ type: problemUri("vendor-not-active") });
  });

  it("refuses a token whose user left the store or moved to another", async () => {
    const gone = await vendor();
    await vendorsStub.setMembership(gone.sub, null);
    const moved = await vendor();
    await vendorsStub.setMembership(moved.sub, { vendorId: "ven_other", role: "staff", status: "approved" });
    for (const actor of [gone, moved]) {
      const res = await call("/api/v1/vendor", { token: await key.sign(actor) });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ detail: "You no longer belong to this store; sign in again." });
    }
  });

  it("trusts a good answer for VENDOR_STANDING_TTL_SECONDS, then asks again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const actor = await vendor();
    const token = await key.sign(actor);
    expect((await call("/api/v1/vendor", { token })).status).toBe(200);
    await vendorsStub.setMembership(actor.sub, { vendorId: actor.vid ?? "", role: "owner", status: "suspended" });
    expect((await call("/api/v1/vendor", { token })).status).toBe(200);
    vi.setSystemTime(Date.now() + 5_001);
    expect((await call("/api/v1/vendor", { token })).status).toBe(403);
  });

  it("does not ask about an admin acting on a vendor_or_admin route", async () => {
    const actor = { ...admin(), vid: "ven_unknown" };
    await vendorsStub.setMembership(actor.sub, "unavailable");
    const res = await call("/api/v1/orders/ord_1/refund", {
      method: "POST",
      token: await key.sign(actor),
      headers: json,
      body: "{}",
    });
    expect(res.status).toBe(200);
  });

  it("answers 503 with retry-after when the vendors Worker cannot say", async () => {
    const actor = await vendor();
    await vendorsStub.setMembership(actor.sub, "unavailable");
    const res = await call("/api/v1/vendor", { token: await key.sign(actor) });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
  });
});
