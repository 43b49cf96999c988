import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "#lib/contracts/events/envelope.ts";
import { newId } from "#lib/contracts/ids.ts";
import { sha256Hex } from "#lib/crypto.ts";
import { problemUri } from "#lib/http/problem.ts";
import { outbox } from "#lib/outbox/schema.ts";
import { emailTokens, users } from "../src/db/schema.ts";
import AuthWorker from "../src/index.ts";
import { hashPassword } from "../src/services/passwords.ts";

const db = drizzle(env.DB);
const PASSWORD = "a long enough password";
type LinkData = { userId: string; email: string; token: string; expiresAt: string };

/** A request to auth as the gateway forwards it; `worker` may carry other bindings (a short TTL). */
function post(
  path: string,
  body?: unknown,
  opts: { actor?: string; worker?: { fetch(request: Request): Response | Promise<Response> } } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (opts.actor) headers["x-actor"] = JSON.stringify({ sub: opts.actor, roles: ["customer"] });
  const request = new Request(`http://auth/api/v1/auth/${path}`, {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (opts.worker ?? exports.default).fetch(request);
}

/** The auth Worker with some bindings changed. */
const workerWith = (vars: Record<string, string>) =>
  new AuthWorker(createExecutionContext(), { ...env, ...vars } as Env);

let n = 0;
async function registered(worker?: ReturnType<typeof workerWith>) {
  const email = `linked${++n}@example.com`;
  const res = await post("register", { email, password: PASSWORD, name: "Linked" }, { worker });
  expect(res.status).toBe(201);
  const { user } = await res.json<{ user: { id: string; emailVerified: boolean } }>();
  return { email, ...user };
}

/** The events of one type staged for an email, oldest first. */
async function staged(type: string, email: string): Promise<LinkData[]> {
  const rows = await db.select().from(outbox).where(eq(outbox.type, type)).orderBy(outbox.createdAt);
  return rows.map((row) => (row.envelope as EventEnvelope).data as LinkData).filter((data) => data.email === email);
}
const lastLink = async (type: string, email: string) => (await staged(type, email)).at(-1)?.token ?? "";
const VERIFY = "user.email_verification_requested";
const RESET = "user.password_reset_requested";

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(400);
  const problem = await res.json<{ type: string; detail: string }>();
  expect(problem.type).toBe(problemUri("invalid-token"));
  return problem.detail;
}

async function login(email: string, password: string) {
  return post("login", { email, password });
}

describe("email verification", () => {
  it("stages the link with the account and keeps only the token's SHA-256", async () => {
    const user = await registered();
    expect(user.emailVerified).toBe(false);
    const [link] = await staged(VERIFY, user.email);
    expect(link?.userId).toBe(user.id);
    expect(link?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expiresIn = Date.parse(link?.expiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(86_400_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(86_400_000);

    const rows = await db.select().from(emailTokens).where(eq(emailTokens.userId, user.id));
    expect(rows).toEqual([expect.objectContaining({ purpose: "verify", usedAt: null })]);
    expect(rows[0]?.hash).toBe(await sha256Hex(link?.token ?? ""));
    expect(JSON.stringify(rows)).not.toContain(link?.token);
  });

  it("verifies once; a spent, unknown or expired token gets one answer", async () => {
    const user = await registered();
    const token = await lastLink(VERIFY, user.email);
    const res = await post("verify-email", { token });
    expect(res.status).toBe(200);
    expect((await res.json<{ user: unknown }>()).user).toMatchObject({ id: user.id, emailVerified: true });

    const spent = await expectInvalidToken(await post("verify-email", { token }));
    const unknown = await expectInvalidToken(await post("verify-email", { token: "x".repeat(43) }));
    expect(unknown).toBe(spent);
  });

  it("resends a link that replaces the old one, and none once the email is verified", async () => {
    const user = await registered();
    const first = await lastLink(VERIFY, user.email);
    const res = await post("verify-email/resend", undefined, { actor: user.id });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });
    const second = await lastLink(VERIFY, user.email);
    expect(second).not.toBe(first);
    await expectInvalidToken(await post("verify-email", { token: first }));
    expect((await post("verify-email", { token: second })).status).toBe(200);

    expect((await post("verify-email/resend", undefined, { actor: user.id })).status).toBe(202);
    expect(await staged(VERIFY, user.email)).toHaveLength(2);
    expect((await post("verify-email/resend")).status).toBe(401);
  });
});

describe("password reset", () => {
  it("answers a known and an unknown email alike and stages the link only for the account", async () => {
    const user = await registered();
    const before = await db.select().from(emailTokens);
    const outboxBefore = await db.select().from(outbox);
    const unknown = await post("password-reset/request", { email: "nobody-here@example.com" });
    expect(await db.select().from(emailTokens)).toEqual(before);
    expect(await db.select().from(outbox)).toEqual(outboxBefore);

    const known = await post("password-reset/request", { email: user.email.toUpperCase() });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
    const links = await staged(RESET, user.email);
    expect(links).toHaveLength(1);
    const expiresIn = Date.parse(links[0]?.expiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(3_600_000 - 60_000);
    const [row] = await db
      .select()
      .from(emailTokens)
      .where(and(eq(emailTokens.userId, user.id), eq(emailTokens.purpose, "reset")));
    expect(row?.hash).toBe(await sha256Hex(links[0]?.token ?? ""));
  });

  it("sets the new password once, signs every session out and verifies the email", async () => {
    const user = await registered();
    const session = await (await login(user.email, PASSWORD)).json<{ refreshToken: string }>();
    await post("password-reset/request", { email: user.email });
    const token = await lastLink(RESET, user.email);

    const weak = await post("password-reset/confirm", { token, newPassword: "short" });
    expect(weak.status).toBe(400);
    expect((await weak.json<{ type: string }>()).type).toBe(problemUri("validation"));

    expect((await post("password-reset/confirm", { token, newPassword: "a brand new password" })).status).toBe(204);
    expect((await post("refresh", { refreshToken: session.refreshToken })).status).toBe(401);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, "a brand new password")).status).toBe(200);
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row?.emailVerifiedAt).not.toBeNull();

    await expectInvalidToken(await post("password-reset/confirm", { token, newPassword: "yet another password" }));
    expect((await login(user.email, "a brand new password")).status).toBe(200);
  });

  it("makes older reset links unusable when a new one is asked for", async () => {
    const user = await registered();
    await post("password-reset/request", { email: user.email });
    const older = await lastLink(RESET, user.email);
    await post("password-reset/request", { email: user.email });
    const newer = await lastLink(RESET, user.email);
    await expectInvalidToken(await post("password-reset/confirm", { token: older, newPassword: "from the old mail" }));
    expect((await post("password-reset/confirm", { token: newer, newPassword: "from the new mail" })).status).toBe(204);
  });

  it("lets exactly one of several concurrent confirms with one token through", async () => {
    const user = await registered();
    await post("password-reset/request", { email: user.email });
    const token = await lastLink(RESET, user.email);
    const passwords = [1, 2, 3, 4, 5].map((i) => `racing password number ${i}`);
    const results = await Promise.all(
      passwords.map((newPassword) => post("password-reset/confirm", { token, newPassword })),
    );
    const statuses = results.map((res) => res.status);
    expect(statuses.filter((s) => s === 204)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
    const winner = passwords[statuses.indexOf(204)] ?? "";
    expect((await login(user.email, winner)).status).toBe(200);
  });

  it("refuses links past their TTL", async () => {
    const worker = workerWith({ EMAIL_VERIFY_TTL_SECONDS: "1", PASSWORD_RESET_TTL_SECONDS: "1" });
    const user = await registered(worker);
    await post("password-reset/request", { email: user.email }, { worker });
    const verify = await lastLink(VERIFY, user.email);
    const reset = await lastLink(RESET, user.email);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expectInvalidToken(await post("verify-email", { token: verify }));
    await expectInvalidToken(await post("password-reset/confirm", { token: reset, newPassword: "too late by now" }));
    expect((await login(user.email, PASSWORD)).status).toBe(200);
  });
});

describe("admins()", () => {
  it("answers exactly the accounts with the admin role", async () => {
    const now = new Date().toISOString();
    const passwordHash = hashPassword(PASSWORD);
    const account = (name: string, roles: string[]) => ({
      id: newId("user"),
      email: `${name}${++n}@example.com`,
      name,
      passwordHash,
      roles: roles as ("customer" | "admin")[],
      createdAt: now,
      updatedAt: now,
    });
    const admins = [account("admin", ["customer", "admin"]), account("root", ["admin"])];
    // A customer whose name and email say admin is still a customer.
    await db.insert(users).values([...admins, account("admin", ["customer"])]);
    await registered();
    const found = await new AuthWorker(createExecutionContext(), env).admins();
    expect(found.map((a) => a.id).sort()).toEqual(admins.map((a) => a.id).sort());
    expect(found[0]).toEqual({
      id: expect.any(String),
      email: expect.any(String),
      name: expect.any(String),
      createdAt: now,
    });
  });
});
