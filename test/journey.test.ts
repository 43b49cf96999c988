import { describe, expect, it } from "vitest";
import { PUBLIC_API } from "#lib/contracts/api/index.ts";
import { api, freshIp, login, PASSWORD, uniqueEmail } from "./helpers.ts";

describe("a shopper's first visit, through the gateway", () => {
  it("registers, signs in, edits the profile and an address, refreshes, and signs out", async () => {
    const email = uniqueEmail();
    const registered = await api("POST", "/api/v1/auth/register", {
      body: { email, password: PASSWORD, name: "Ada" },
      ip: freshIp(),
    });
    expect(registered.status).toBe(201);
    const { user } = await registered.json<{ user: { id: string } }>();

    const session = await login(email);
    expect(session.userId).toBe(user.id);

    // No retry: the profile exists the moment registration answers, whether or not user.registered has arrived.
    const me = await api("GET", "/api/v1/me", { token: session.accessToken });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email, name: "Ada" });
    expect(me.headers.get("x-trace-id")).toBeTruthy();

    const renamed = await api("PATCH", "/api/v1/me", { token: session.accessToken, body: { name: "Ada Lovelace" } });
    expect(renamed.status).toBe(200);

    const address = await api("POST", "/api/v1/me/addresses", {
      token: session.accessToken,
      body: {
        recipient: "Ada Lovelace",
        line1: "12 St James's Square",
        city: "London",
        postalCode: "SW1Y 4JH",
        country: "GB",
      },
    });
    expect(address.status).toBe(201);
    const listed = await api("GET", "/api/v1/me/addresses", { token: session.accessToken });
    expect((await listed.json<{ items: { city: string }[] }>()).items.map((a) => a.city)).toEqual(["London"]);

    const refreshed = await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    const next = await refreshed.json<{ accessToken: string; refreshToken: string }>();
    expect((await api("GET", "/api/v1/me", { token: next.accessToken })).status).toBe(200);

    // The spent token comes back (stolen?): refused, and the family it belongs to is revoked.
    const replay = await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: session.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get("content-type")).toBe("application/problem+json");
    expect((await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: next.refreshToken } })).status).toBe(401);

    // A new sign-in, then sign-out: its refresh token is dead afterwards.
    const again = await login(email);
    expect((await api("POST", "/api/v1/auth/logout", { body: { refreshToken: again.refreshToken } })).status).toBe(204);
    expect((await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: again.refreshToken } })).status).toBe(
      401,
    );
  });
});

describe("what the gateway serves itself", () => {
  it("answers health checks", async () => {
    const res = await api("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("publishes an OpenAPI 3.1 document with every public route and its access policy", async () => {
    const res = await api("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, Record<string, { "x-access": string }>> }>();
    expect(doc.openapi).toBe("3.1.0");
    for (const { routes } of PUBLIC_API) {
      for (const route of routes) expect(doc.paths[route.path]?.[route.method]?.["x-access"]).toBe(route["x-access"]);
    }
  });

  it("serves the API docs page and the JWKS", async () => {
    expect((await api("GET", "/api/docs")).headers.get("content-type")).toContain("text/html");
    const jwks = await api("GET", "/.well-known/jwks.json");
    expect(jwks.status).toBe(200);
    const { keys } = await jwks.json<{ keys: { kty: string; d?: string }[] }>();
    for (const key of keys) expect(key.d).toBeUndefined();
  });

  it("lets the dashboard origin call the API from a browser", async () => {
    const res = await api("OPTIONS", "/api/v1/auth/login", {
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const other = await api("OPTIONS", "/api/v1/auth/login", {
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers unknown routes with a problem, not a 500", async () => {
    const res = await api("GET", "/api/v1/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
