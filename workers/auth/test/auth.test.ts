import { createExecutionContext, runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { outbox } from "#lib/outbox/schema.ts";
import { signingKeys } from "../src/db/schema.ts";
import AuthWorker from "../src/index.ts";
import { registerAccount } from "../src/services/accounts.ts";

const worker = exports.default;
const db = drizzle(env.DB);

function post(path: string, body: unknown, actor?: { sub: string; roles: string[] }) {
  return worker.fetch(`http://auth/api/v1/auth/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(actor ? { "x-actor": JSON.stringify(actor) } : {}) },
    body: JSON.stringify(body),
  });
}

let n = 0;
async function registered(password = "a long enough password") {
  const email = `shopper${++n}@example.com`;
  const res = await post("register", { email, password, name: "Shopper" });
  expect(res.status).toBe(201);
  const { user } = await res.json<{ user: { id: string } }>();
  return { email, password, id: user.id };
}

async function login(email: string, password: string) {
  const res = await post("login", { email, password });
  expect(res.status).toBe(200);
  return res.json<{ accessToken: string; refreshToken: string; expiresIn: number }>();
}

describe("register", () => {
  it("creates a customer account and publishes user.registered through the outbox", async () => {
    const res = await post("register", { email: "Ada@Example.com", password: "a long enough password", name: "Ada" });
    expect(res.status).toBe(201);
    const { user } = await res.json<{ user: { id: string; email: string; roles: string[] } }>();
    expect(user).toMatchObject({ email: "ada@example.com", roles: ["customer"] });
    expect(user.id).toMatch(/^usr_/);
    const events = await db.select().from(outbox);
    const event = events.find((e) => (e.envelope as { data: { userId: string } }).data.userId === user.id);
    expect(event?.type).toBe("user.registered");
  });

  it("refuses a second account with the same email, whatever its case", async () => {
    const { email } = await registered();
    const res = await post("register", { email: email.toUpperCase(), password: "another long password", name: "Copy" });
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("refuses the loser of two registrations of one email racing past the look-up with 409", async () => {
    // Started together, both look the email up before either writes: the unique index settles it.
    const input = { email: `racer${++n}@example.com`, password: "a long enough password", name: "Racer" };
    const settled = await Promise.allSettled([
      registerAccount(db, input, "trace-test", 3600),
      registerAccount(db, input, "trace-test", 3600),
    ]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected"]);
    expect(settled[1]).toMatchObject({ reason: { status: 409 } });
  });

  it("refuses a short password and unknown fields with field errors", async () => {
    const res = await post("register", { email: "x@example.com", password: "short", name: "X", roles: ["admin"] });
    expect(res.status).toBe(400);
    const problem = await res.json<{ errors: { path: string }[] }>();
    expect(problem.errors.map((e) => e.path)).toEqual(expect.arrayContaining(["password"]));
  });
});

describe("RPC for the other Workers", () => {
  it("gives users an account by id, without its password or roles, and null for an unknown id", async () => {
    const { id, email } = await registered();
    const auth = new AuthWorker(createExecutionContext(), env);
    expect(await auth.account(id)).toEqual({ id, email, name: "Shopper", createdAt: expect.any(String) });
    expect(await auth.account("usr_nobody")).toBeNull();
  });

  it("reports its database ready", async () => {
    const readiness = await new AuthWorker(createExecutionContext(), env).ready();
    expect(readiness).toEqual({ ok: true, checks: { db: { ok: true, ms: expect.any(Number) } } });
  });
});

describe("login and tokens", () => {
  it("refuses a wrong password and an unknown email alike", async () => {
    const { email } = await registered();
    const wrong = await post("login", { email, password: "not the password" });
    const unknown = await post("login", { email: "nobody@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect((await wrong.json<{ detail: string }>()).detail).toBe((await unknown.json<{ detail: string }>()).detail);
  });

  it("issues an ES256 access token that verifies against the published JWKS", async () => {
    const { email, password, id } = await registered();
    const tokens = await login(email, password);
    const jwks = await worker.jwks();
    const { payload, protectedHeader } = await jwtVerify(tokens.accessToken, createLocalJWKSet(jwks), {
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      algorithms: ["ES256"],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: id, roles: ["customer"] });
    expect(payload.exp! - payload.iat!).toBe(Number(env.ACCESS_TOKEN_TTL_SECONDS));
  });

  it("rotates refresh tokens; reusing a spent one revokes the whole family", async () => {
    const { email, password } = await registered();
    const first = await login(email, password);
    const second = await post("refresh", { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    const { refreshToken: current } = await second.json<{ refreshToken: string }>();
    expect(current).not.toBe(first.refreshToken);

    const reuse = await post("refresh", { refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    // The thief's reuse also kills the legitimate newest token of that family.
    expect((await post("refresh", { refreshToken: current })).status).toBe(401);
    // Another sign-in is a separate family and still works.
    const other = await login(email, password);
    expect((await post("refresh", { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it("logout revokes the refresh token", async () => {
    const { email, password } = await registered();
    const tokens = await login(email, password);
    expect((await post("logout", { refreshToken: tokens.refreshToken })).status).toBe(204);
    expect((await post("refresh", { refreshToken: tokens.refreshToken })).status).toBe(401);
  });

  it("changing the password needs the current one and signs out every session", async () => {
    const { email, password, id } = await registered();
    const tokens = await login(email, password);
    const actor = { sub: id, roles: ["customer"] };
    const wrong = await post(
      "password",
      { currentPassword: "not it at all", newPassword: "a brand new password" },
      actor,
    );
    expect(wrong.status).toBe(422);
    const ok = await post("password", { currentPassword: password, newPassword: "a brand new password" }, actor);
    expect(ok.status).toBe(204);
    expect((await post("refresh", { refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await post("login", { email, password })).status).toBe(401);
    await login(email, "a brand new password");
  });

  it("refuses to change a password without a signed-in actor", async () => {
    const res = await post("password", { currentPassword: "whatever it is", newPassword: "a brand new password" });
    expect(res.status).toBe(401);
  });
});

describe("signing keys", () => {
  it("stores the private key sealed, never as a plain JWK", async () => {
    const { email, password } = await registered();
    await login(email, password);
    const rows = await db.select().from(signingKeys);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.privateJwkSealed).not.toContain('"d"');
      expect(row.publicJwk).not.toHaveProperty("d");
    }
  });

  it("rotation signs with the new key and keeps the old one published until its tokens expire", async () => {
    const { email, password } = await registered();
    const before = await login(email, password);
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const { kid: newKid } = await worker.rotateSigningKey();
    expect(newKid).not.toBe(oldKid);
    const after = await login(email, password);
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid);
    const kids = (await worker.jwks()).keys.map((k) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));
  });
});

describe("outbox fallback", () => {
  it("publishes an event whose writer died before publishing, when the relay alarm fires", async () => {
    const id = `evt_orphan_${Date.now()}`;
    const envelope = {
      id,
      type: "user.registered",
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "auth",
      traceId: "trace-orphan",
      data: { userId: "usr_orphan", email: "orphan@example.com", name: "Orphan" },
    };
    // Committed a minute ago and never published: the Worker died in between.
    await db.insert(outbox).values({ id, type: envelope.type, envelope, createdAt: Date.now() - 60_000 });
    const relay = env.OUTBOX_RELAY.get(env.OUTBOX_RELAY.idFromName("outbox"));
    await relay.arm();
    expect(await runDurableObjectAlarm(relay)).toBe(true);
    const [row] = await db
      .select()
      .from(outbox)
      .where((await import("drizzle-orm")).eq(outbox.id, id));
    expect(row?.sentAt).not.toBeNull();
  });
});
