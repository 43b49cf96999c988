import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { deadLetters, profiles } from "../src/db/schema.ts";
import UsersWorker from "../src/index.ts";

const worker = exports.default;
const db = drizzle(env.DB);

function registeredEvent(userId: string, id = `evt_${crypto.randomUUID()}`) {
  return {
    id,
    type: "user.registered",
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "auth",
    traceId: "trace-test-1",
    data: { userId, email: `${userId}@example.com`, name: "Grace" },
  };
}

async function deliver(...bodies: unknown[]) {
  return deliverTo("users-inbox", 1, ...bodies);
}

async function deliverTo(queue: string, attempts: number, ...bodies: unknown[]) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({ id: `msg-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await new UsersWorker(ctx, env).queue(batch);
  return getQueueResult(batch, ctx);
}

async function profileCount(userId: string) {
  return (await db.select().from(profiles).where(eq(profiles.id, userId))).length;
}

let seq = 0;
async function withProfile() {
  const userId = `usr_test${++seq}_${Date.now()}`;
  await deliver(registeredEvent(userId));
  return { userId, actor: JSON.stringify({ sub: userId, roles: ["customer"] }) };
}

function call(actor: string | undefined, method: string, path: string, body?: unknown) {
  return worker.fetch(`http://users${path}`, {
    method,
    headers: { ...(actor ? { "x-actor": actor } : {}), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
}

const berlin = {
  recipient: "Grace Hopper",
  line1: "Unter den Linden 1",
  city: "Berlin",
  postalCode: "10117",
  country: "de",
};

describe("user.registered consumer", () => {
  it("creates one profile however often the event is delivered", async () => {
    const event = registeredEvent("usr_dup");
    const first = await deliver(event, event);
    const again = await deliver(event);
    expect(first.explicitAcks.length + again.explicitAcks.length).toBe(3);
    expect(first.retryMessages).toEqual([]);
    expect(await profileCount("usr_dup")).toBe(1);
  });

  it("retries only the bad message of a batch, not the good ones", async () => {
    const good = registeredEvent("usr_good");
    const bad = { ...registeredEvent("usr_bad"), data: { userId: "usr_bad" } };
    const result = await deliver(good, bad);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(1);
    expect(await profileCount("usr_good")).toBe(1);
    expect(await profileCount("usr_bad")).toBe(0);
  });
});

describe("/me", () => {
  it("reads and edits the caller's own profile", async () => {
    const { userId, actor } = await withProfile();
    const res = await call(actor, "GET", "/api/v1/me");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: userId, name: "Grace", phone: null });
    const patched = await call(actor, "PATCH", "/api/v1/me", { name: "Grace B. Hopper", phone: "+14155550123" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: "Grace B. Hopper", phone: "+14155550123" });
  });

  it("refuses edits to fields the caller does not own", async () => {
    const { actor } = await withProfile();
    const res = await call(actor, "PATCH", "/api/v1/me", { email: "other@example.com" });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("needs an actor", async () => {
    expect((await call(undefined, "GET", "/api/v1/me")).status).toBe(401);
  });
});

describe("/me before user.registered arrives", () => {
  const actorOf = (userId: string) => JSON.stringify({ sub: userId, roles: ["customer"] });
  const fresh = (prefix = "usr_early") => `${prefix}${++seq}_${Date.now()}`;

  it("creates the profile from auth's account on the first read", async () => {
    const userId = fresh();
    const res = await call(actorOf(userId), "GET", "/api/v1/me");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: userId,
      email: `${userId}@auth.example.com`,
      name: "Grace from auth",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    expect(await profileCount(userId)).toBe(1);
  });

  it("keeps an edit made after the first read when the event arrives later", async () => {
    const userId = fresh();
    const patched = await call(actorOf(userId), "PATCH", "/api/v1/me", { name: "Grace B. Hopper" });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ id: userId, name: "Grace B. Hopper" });
    const result = await deliver(registeredEvent(userId));
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect(await profileCount(userId)).toBe(1);
    expect(await (await call(actorOf(userId), "GET", "/api/v1/me")).json()).toMatchObject({ name: "Grace B. Hopper" });
  });

  it("answers the row the event wrote when the event came first, without asking auth", async () => {
    const userId = fresh();
    await deliver(registeredEvent(userId));
    const res = await call(actorOf(userId), "GET", "/api/v1/me");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: userId, email: `${userId}@example.com`, name: "Grace" });
    expect(await profileCount(userId)).toBe(1);
  });

  it("answers 404 for an account auth does not have, and creates nothing", async () => {
    const userId = fresh("usr_unknown");
    expect((await call(actorOf(userId), "GET", "/api/v1/me")).status).toBe(404);
    expect((await call(actorOf(userId), "PATCH", "/api/v1/me", { name: "X" })).status).toBe(404);
    expect(await profileCount(userId)).toBe(0);
  });

  it("answers 503 with retry-after while auth cannot say", async () => {
    const res = await call(actorOf(fresh("usr_authdown")), "GET", "/api/v1/me");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
  });

  it("gives other Workers the profile over RPC the same way", async () => {
    const users = new UsersWorker(createExecutionContext(), env);
    const userId = fresh();
    expect(await users.profile(userId)).toEqual({
      id: userId,
      email: `${userId}@auth.example.com`,
      name: "Grace from auth",
    });
    expect(await users.profile(fresh("usr_unknown"))).toBeNull();
  });
});

describe("ready()", () => {
  it("reports its database", async () => {
    const readiness = await new UsersWorker(createExecutionContext(), env).ready();
    expect(readiness).toEqual({ ok: true, checks: { db: { ok: true, ms: expect.any(Number) } } });
  });

  it("names the database when it fails, without its error message", async () => {
    const failing = {
      prepare() {
        throw new Error("D1_ERROR: secret internals");
      },
    } as unknown as D1Database;
    const readiness = await new UsersWorker(createExecutionContext(), { ...env, DB: failing }).ready();
    expect(readiness).toEqual({ ok: false, checks: { db: { ok: false, ms: expect.any(Number), error: "error" } } });
  });
});

describe("addresses", () => {
  it("adds a valid address, the first one becoming the default", async () => {
    const { actor } = await withProfile();
    const res = await call(actor, "POST", "/api/v1/me/addresses", berlin);
    expect(res.status).toBe(201);
    const address = await res.json<{ id: string; country: string; isDefault: boolean }>();
    expect(address).toMatchObject({ country: "DE", isDefault: true });
    expect(address.id).toMatch(/^adr_/);
  });

  it("refuses an unknown country and a postal code of the wrong shape", async () => {
    const { actor } = await withProfile();
    const country = await call(actor, "POST", "/api/v1/me/addresses", { ...berlin, country: "XX" });
    expect(country.status).toBe(400);
    expect((await country.json<{ errors: { path: string }[] }>()).errors[0]?.path).toBe("country");
    const postal = await call(actor, "POST", "/api/v1/me/addresses", { ...berlin, postalCode: "1011" });
    expect(postal.status).toBe(400);
    expect((await postal.json<{ errors: { path: string }[] }>()).errors[0]?.path).toBe("postalCode");
  });

  it("checks the postal code against the country after an edit", async () => {
    const { actor } = await withProfile();
    const { id } = await (await call(actor, "POST", "/api/v1/me/addresses", berlin)).json<{ id: string }>();
    expect((await call(actor, "PATCH", `/api/v1/me/addresses/${id}`, { country: "GB" })).status).toBe(400);
    const ok = await call(actor, "PATCH", `/api/v1/me/addresses/${id}`, {
      country: "GB",
      postalCode: "SW1A 1AA",
      city: "London",
    });
    expect(ok.status).toBe(200);
  });

  it("keeps one default address", async () => {
    const { actor } = await withProfile();
    const first = await (await call(actor, "POST", "/api/v1/me/addresses", berlin)).json<{ id: string }>();
    const second = await (await call(actor, "POST", "/api/v1/me/addresses", { ...berlin, isDefault: true })).json<{
      id: string;
    }>();
    const { items } = await (await call(actor, "GET", "/api/v1/me/addresses")).json<{
      items: { id: string; isDefault: boolean }[];
    }>();
    expect(items.filter((a) => a.isDefault).map((a) => a.id)).toEqual([second.id]);
    expect(items.map((a) => a.id)).toEqual([first.id, second.id]);
  });

  it("pages through addresses without repeating or skipping", async () => {
    const { actor } = await withProfile();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (
          await (
            await call(actor, "POST", "/api/v1/me/addresses", { ...berlin, label: `#${i}` })
          ).json<{ id: string }>()
        ).id,
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await (await call(actor, "GET", `/api/v1/me/addresses${query}`)).json<{
        items: { id: string }[];
        nextCursor: string | null;
      }>();
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(created);
  });

  it("hides one shopper's addresses from another (404, not 403)", async () => {
    const a = await withProfile();
    const b = await withProfile();
    const { id } = await (await call(a.actor, "POST", "/api/v1/me/addresses", berlin)).json<{ id: string }>();
    expect((await call(b.actor, "PATCH", `/api/v1/me/addresses/${id}`, { city: "Hamburg" })).status).toBe(404);
    expect((await call(b.actor, "DELETE", `/api/v1/me/addresses/${id}`)).status).toBe(404);
    const list = await (await call(b.actor, "GET", "/api/v1/me/addresses")).json<{ items: unknown[] }>();
    expect(list.items).toEqual([]);
    expect((await call(a.actor, "DELETE", `/api/v1/me/addresses/${id}`)).status).toBe(204);
  });
});

describe("dead letters", () => {
  const admin = JSON.stringify({ sub: "usr_admin", roles: ["customer", "admin"] });
  const refuseProfiles = () =>
    env.DB.prepare(
      "CREATE TRIGGER refuse_profiles BEFORE INSERT ON profiles BEGIN SELECT RAISE(ABORT, 'profiles unavailable'); END",
    ).run();
  const acceptProfiles = () => env.DB.prepare("DROP TRIGGER IF EXISTS refuse_profiles").run();
  const row = async (id: string) => (await db.select().from(deadLetters).where(eq(deadLetters.id, id)))[0];

  it("records a dead letter delivered twice as one row, keeping the last error of its failed attempts", async () => {
    const event = registeredEvent("usr_dead");
    await refuseProfiles();
    try {
      expect((await deliverTo("users-inbox", 6, event)).retryMessages).toHaveLength(1);
    } finally {
      await acceptProfiles();
    }
    const first = await deliverTo("users-inbox-dlq", 1, event);
    const again = await deliverTo("users-inbox-dlq", 1, event);
    expect(first.explicitAcks.length + again.explicitAcks.length).toBe(2);
    expect(await row(event.id)).toMatchObject({
      type: "user.registered",
      queue: "users-inbox",
      attempts: 6,
      replayCount: 0,
    });
    expect((await row(event.id))?.lastError).toContain("profiles unavailable");
    const res = await call(admin, "GET", "/api/v1/admin/dead-letters/users-inbox?limit=100");
    expect(res.status).toBe(200);
    const { items } = await res.json<{ items: { id: string }[] }>();
    expect(items.filter((d) => d.id === event.id)).toHaveLength(1);
    expect(await profileCount("usr_dead")).toBe(0);
  });

  it("forgets a failed attempt once a retry succeeds, so only events that died are listed", async () => {
    const event = registeredEvent("usr_recovers");
    await refuseProfiles();
    try {
      await deliverTo("users-inbox", 1, event);
    } finally {
      await acceptProfiles();
    }
    expect((await row(event.id))?.deadAt).toBeNull();
    const res = await call(admin, "GET", "/api/v1/admin/dead-letters/users-inbox?limit=100");
    expect((await res.json<{ items: { id: string }[] }>()).items.map((d) => d.id)).not.toContain(event.id);
    expect((await deliverTo("users-inbox", 2, event)).explicitAcks).toHaveLength(1);
    expect(await row(event.id)).toBeUndefined();
    expect(await profileCount("usr_recovers")).toBe(1);
  });

  it("refuses a cursor it did not issue (400)", async () => {
    const res = await call(admin, "GET", `/api/v1/admin/dead-letters/users-inbox?cursor=${btoa("not-a-cursor")}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
