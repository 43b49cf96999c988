import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { adminSession, api, expectProblem, login, profileOf, type Session, signUp, vendorSession } from "./helpers.ts";

function claims(token: string) {
  return decodeJwt<{ roles: string[]; vid?: string }>(token);
}

let admin: Session;
beforeAll(async () => {
  admin = await adminSession();
});

describe("becoming a vendor", () => {
  it("applies, waits for approval, and gets the vendor role and id in the next token", async () => {
    const owner = await signUp("Owner");
    await profileOf(owner);
    const slug = `ceramics-${crypto.randomUUID().slice(0, 6)}`;
    const applied = await api("POST", "/api/v1/vendors", {
      token: owner.accessToken,
      body: { name: "Ceramics Co", slug, description: "Bowls." },
    });
    expect(applied.status).toBe(201);
    const vendor = await applied.json<{ id: string; status: string }>();
    expect(vendor.status).toBe("pending");
    expect((await api("GET", `/api/v1/vendors/${slug}`)).status).toBe(404);
    expect((await api("GET", "/api/v1/me/vendor", { token: owner.accessToken })).status).toBe(200);
    expect((await api("GET", "/api/v1/vendor", { token: owner.accessToken })).status).toBe(403);

    const pending = await api("GET", "/api/v1/admin/vendors?status=pending&limit=100", { token: admin.accessToken });
    expect((await pending.json<{ items: { id: string }[] }>()).items.map((v) => v.id)).toContain(vendor.id);
    const approved = await api("POST", `/api/v1/admin/vendors/${vendor.id}/approve`, {
      token: admin.accessToken,
      body: { commissionBps: 1500 },
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: "approved", commissionBps: 1500 });

    const refreshed = await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: owner.refreshToken } });
    const { accessToken } = await refreshed.json<{ accessToken: string }>();
    expect(claims(accessToken)).toMatchObject({ roles: ["customer", "vendor"], vid: vendor.id });
    expect((await api("GET", "/api/v1/vendor", { token: accessToken })).status).toBe(200);
    expect(await (await api("GET", `/api/v1/vendors/${slug}`)).json()).toMatchObject({ name: "Ceramics Co" });
  });

  it("refuses a taken slug and a second store for the same user", async () => {
    const first = await vendorSession(admin, "First");
    const mine = await (await api("GET", "/api/v1/vendor", { token: first.accessToken })).json<{ slug: string }>();
    const other = await signUp("Other");
    await profileOf(other);
    await expectProblem(
      await api("POST", "/api/v1/vendors", { token: other.accessToken, body: { name: "Copy", slug: mine.slug } }),
      409,
    );
    await expectProblem(
      await api("POST", "/api/v1/vendors", { token: first.accessToken, body: { name: "Again", slug: "again-store" } }),
      409,
    );
  });

  it("refuses a malformed slug", async () => {
    const user = await signUp();
    const res = await api("POST", "/api/v1/vendors", {
      token: user.accessToken,
      body: { name: "Bad", slug: "Not A Slug!" },
    });
    expect(res.status).toBe(400);
  });
});

describe("staff and status", () => {
  it("lets the owner add and remove staff; staff work the store but cannot manage staff", async () => {
    const owner = await vendorSession(admin, "Owner Store");
    const hire = await signUp("Hire");
    await profileOf(hire);
    const added = await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: hire.email } });
    expect(added.status).toBe(201);
    const staffToken = (await login(hire.email)).accessToken;
    expect(claims(staffToken).vid).toBe(owner.vendorId);
    expect(
      (await api("PATCH", "/api/v1/vendor", { token: staffToken, body: { description: "Now with staff." } })).status,
    ).toBe(200);
    const intruder = await signUp("Intruder");
    await profileOf(intruder);
    expect(
      (await api("POST", "/api/v1/vendor/staff", { token: staffToken, body: { email: intruder.email } })).status,
    ).toBe(403);
    expect((await api("DELETE", `/api/v1/vendor/staff/${hire.userId}`, { token: owner.accessToken })).status).toBe(204);
    expect(claims((await login(hire.email)).accessToken).vid).toBeUndefined();
  });

  it("suspension hides the store and drops the vendor role; only allowed moves are accepted", async () => {
    const owner = await vendorSession(admin, "Suspended Store");
    const { slug } = await (await api("GET", "/api/v1/vendor", { token: owner.accessToken })).json<{ slug: string }>();
    expect(
      (await api("POST", `/api/v1/admin/vendors/${owner.vendorId}/reject`, { token: admin.accessToken, body: {} }))
        .status,
    ).toBe(409);
    const suspended = await api("POST", `/api/v1/admin/vendors/${owner.vendorId}/suspend`, {
      token: admin.accessToken,
      body: { reason: "Fraud review" },
    });
    expect(suspended.status).toBe(200);
    expect((await api("GET", `/api/v1/vendors/${slug}`)).status).toBe(404);
    expect(claims((await login(owner.email)).accessToken).roles).not.toContain("vendor");
    expect(
      (await api("POST", `/api/v1/admin/vendors/${owner.vendorId}/approve`, { token: admin.accessToken, body: {} }))
        .status,
    ).toBe(200);
    expect((await api("GET", `/api/v1/vendors/${slug}`)).status).toBe(200);
  });
});

describe("conflicts", () => {
  it("refuses adding as staff a user who already belongs to a store, this one or another", async () => {
    const owner = await vendorSession(admin, "Hiring Store");
    const otherOwner = await vendorSession(admin, "Other Store");
    await expectProblem(
      await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: otherOwner.email } }),
      409,
    );
    const hire = await signUp("Hire");
    await profileOf(hire);
    expect(
      (await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: hire.email } })).status,
    ).toBe(201);
    await expectProblem(
      await api("POST", "/api/v1/vendor/staff", { token: owner.accessToken, body: { email: hire.email } }),
      409,
    );
    const team = await api("GET", "/api/v1/vendor/staff", { token: owner.accessToken });
    expect((await team.json<{ items: { userId: string }[] }>()).items.map((m) => m.userId)).toEqual([
      owner.userId,
      hire.userId,
    ]);
  });
});
