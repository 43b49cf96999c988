import { beforeAll, describe, expect, it } from "vitest";
import { TRACE_HEADER } from "#lib/contracts/actor.ts";
import { call, customer, type Seen, type Signer, signingKey } from "./helpers.ts";

let key: Signer;
beforeAll(async () => {
  key = await signingKey();
  await key.publish();
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const json = { "content-type": "application/json" };
let ip = 0;
/** A client address of its own, so each test's rate limits start empty. */
const address = () => `203.0.113.${++ip}`;

describe("trace ids", () => {
  it("keeps a client's x-request-id as the trace id, returned and forwarded", async () => {
    const res = await call("/api/v1/vendors/a-store", { headers: { "x-request-id": "req-0123456789" } });
    expect(res.headers.get(TRACE_HEADER)).toBe("req-0123456789");
    expect((await res.json<Seen>()).headers[TRACE_HEADER]).toBe("req-0123456789");
  });

  it("prefers x-trace-id to x-request-id", async () => {
    const res = await call("/api/v1/vendors/a-store", {
      headers: { [TRACE_HEADER]: "trace-abcdefgh", "x-request-id": "req-0123456789" },
    });
    expect(res.headers.get(TRACE_HEADER)).toBe("trace-abcdefgh");
  });

  it.each([
    ["none", undefined],
    ["too short", "abc"],
    ["with spaces", "not a trace id"],
  ])("makes up a trace id when the client sends %s", async (_what, given) => {
    const res = await call("/api/v1/vendors/a-store", { headers: given ? { "x-request-id": given } : {} });
    const trace = res.headers.get(TRACE_HEADER) ?? "";
    expect(trace).toMatch(UUID);
    expect((await res.json<Seen>()).headers[TRACE_HEADER]).toBe(trace);
  });

  it("returns the trace id on the gateway's own problems too", async () => {
    const res = await call("/api/v1/me", { headers: { "x-request-id": "req-unauthorized" } });
    expect(res.status).toBe(401);
    expect(res.headers.get(TRACE_HEADER)).toBe("req-unauthorized");
  });
});

describe("bodies", () => {
  it("refuses a body over MAX_BODY_BYTES with 413 before it reaches the Worker", async () => {
    const token = await key.sign(customer());
    const body = (bytes: number) => JSON.stringify({ name: "x".repeat(bytes - 11) });
    const small = await call("/api/v1/vendors", { method: "POST", token, headers: json, body: body(1024) });
    expect(small.status).toBe(200);
    expect((await small.json<Seen>()).bytes).toBe(1024);
    const large = await call("/api/v1/vendors", { method: "POST", token, headers: json, body: body(1025) });
    expect(large.status).toBe(413);
    expect(large.headers.get("content-type")).toContain("application/problem+json");
    expect(await large.json()).toMatchObject({ status: 413, detail: "The body is larger than 1024 bytes." });
  });

  it("applies a route's own limit instead (x-max-body-bytes)", async () => {
    const webhook = (bytes: number) =>
      call("/webhooks/stripe", { method: "POST", headers: json, body: JSON.stringify({ p: "x".repeat(bytes) }) });
    expect((await webhook(100_000)).status).toBe(200);
    expect((await webhook(262_144)).status).toBe(413);
  });

  it("refuses a body in a media type the route does not take with 415", async () => {
    const res = await call("/api/v1/vendors", {
      method: "POST",
      token: await key.sign(customer()),
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(res.headers.get("accept")).toBe("application/json");
  });
});

describe("edge cache", () => {
  /** A cached route's response and how many requests the catalog has served so far. */
  async function products(query: string, token?: string) {
    const res = await call(`/api/v1/products?q=${query}`, { token });
    return { res, seen: await res.json<Seen>() };
  }

  /** The cache is written after the response (waitUntil): wait for it. */
  async function cached(path: string) {
    for (let i = 0; i < 50; i++) {
      if (await caches.default.match(`https://market.test${path}`)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${path} was never cached`);
  }

  it("caches an anonymous GET of a route with x-cache-seconds for that long", async () => {
    const first = await products("lamps");
    expect(first.res.headers.get("x-cache")).toBe("miss");
    expect(first.res.headers.get("cache-control")).toBe("public, max-age=30, s-maxage=30");
    await cached("/api/v1/products?q=lamps");
    const second = await products("lamps");
    expect(second.res.headers.get("x-cache")).toBe("hit");
    expect(second.seen.served).toBe(first.seen.served);
  });

  it("never caches for a signed-in caller, nor serves them a cached copy", async () => {
    await products("chairs");
    await cached("/api/v1/products?q=chairs");
    const token = await key.sign(customer());
    const signedIn = await products("chairs", token);
    expect(signedIn.res.headers.get("x-cache")).toBeNull();
    const again = await products("chairs", token);
    expect(again.seen.served).toBeGreaterThan(signedIn.seen.served);
  });

  it("does not cache an answer other than 200, nor routes without x-cache-seconds", async () => {
    const missing = await call("/api/v1/products/missing");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-cache")).toBeNull();
    const store = await call("/api/v1/vendors/a-store");
    expect(store.headers.get("x-cache")).toBeNull();
    expect(store.headers.get("cache-control")).toBeNull();
  });
});

describe("exact rate limits", () => {
  it("lets REGISTER_LIMIT_PER_IP registrations from one address through per window, then 429", async () => {
    const from = address();
    const register = () =>
      call("/api/v1/auth/register", {
        method: "POST",
        headers: { ...json, "cf-connecting-ip": from },
        body: "{}",
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await register()).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await register();
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(refused.headers.get("ratelimit-policy")).toBe('"register-ip";q=3;w=60');
    expect(await refused.json()).toMatchObject({ status: 429 });
    const elsewhere = await call("/api/v1/auth/register", {
      method: "POST",
      headers: { ...json, "cf-connecting-ip": address() },
      body: "{}",
    });
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.headers.get("ratelimit")).toMatch(/^"register-ip";r=2;t=\d+$/);
  });

  it("counts checkouts per account, whatever the address", async () => {
    const checkout = (token: string) =>
      call("/api/v1/checkout", {
        method: "POST",
        token,
        headers: { ...json, "cf-connecting-ip": address() },
        body: "{}",
      });
    const token = await key.sign(customer());
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await checkout(token)).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect((await checkout(await key.sign(customer()))).status).toBe(200);
  });

  it("limits password-reset requests per address, and per email whatever the address", async () => {
    const reset = (email: string, from: string) =>
      call("/api/v1/auth/password-reset/request", {
        method: "POST",
        headers: { ...json, "cf-connecting-ip": from },
        body: JSON.stringify({ email }),
      });
    const from = address();
    const perAddress = [];
    for (let i = 0; i < 4; i++) perAddress.push((await reset(`someone${i}@example.com`, from)).status);
    expect(perAddress).toEqual([200, 200, 200, 429]);

    // One mailbox from a new address each time: the email's own counter, whatever its case and spaces.
    const first = await reset("Target@Example.com", address());
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe(
      '"password-reset-ip";q=3;w=60, "password-reset-email";q=2;w=3600',
    );
    // The domain Worker still receives the whole body the counter read.
    expect((await first.json<Seen>()).bytes).toBe(JSON.stringify({ email: "Target@Example.com" }).length);
    expect((await reset(" target@example.com", address())).status).toBe(200);
    const refused = await reset("target@example.com", address());
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect((await reset("another@example.com", address())).status).toBe(200);
  });

  it("limits resending the verification link per account", async () => {
    const resend = (token: string) =>
      call("/api/v1/auth/verify-email/resend", { method: "POST", token, headers: { "cf-connecting-ip": address() } });
    const token = await key.sign(customer());
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await resend(token)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
