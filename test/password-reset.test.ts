import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "#lib/crypto.ts";
import { problemUri } from "#lib/http/problem.ts";
import { api, login, PASSWORD, type Session, signUp, uniqueEmail } from "./helpers.ts";

const NEW_PASSWORD = "a fresh password after the reset";

/** The token of the newest link of this type auth staged for the email, read from its outbox. */
async function mailedToken(type: string, email: string): Promise<string> {
  const { results } = await env.AUTH_DB.prepare(
    "SELECT envelope FROM outbox WHERE type = ? AND json_extract(envelope, '$.data.email') = ? ORDER BY created_at DESC LIMIT 1",
  )
    .bind(type, email)
    .all<{ envelope: string }>();
  const [row] = results;
  if (!row) throw new Error(`no ${type} staged for ${email}`);
  return (JSON.parse(row.envelope) as { data: { token: string } }).data.token;
}

const requestReset = (email: string) => api("POST", "/api/v1/auth/password-reset/request", { body: { email } });
const confirm = (token: string, newPassword = NEW_PASSWORD) =>
  api("POST", "/api/v1/auth/password-reset/confirm", { body: { token, newPassword } });

async function resetToken(session: Session): Promise<string> {
  expect((await requestReset(session.email)).status).toBe(202);
  return mailedToken("user.password_reset_requested", session.email);
}

async function expectInvalidToken(res: Response) {
  expect(res.status).toBe(400);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect((await res.json<{ type: string }>()).type).toBe(problemUri("invalid-token"));
}

describe("password reset through the gateway", () => {
  it("answers a registered and an unknown email with the same status and body", async () => {
    const shopper = await signUp("Reset Known");
    const known = await requestReset(shopper.email);
    const unknown = await requestReset(uniqueEmail("nobody"));
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(known.status);
    expect(await unknown.text()).toBe(await known.text());
    expect(unknown.headers.get("content-type")).toBe(known.headers.get("content-type"));
  });

  it("resets once with the mailed token, signs old sessions out and lets the new password in", async () => {
    const shopper = await signUp("Reset Once");
    const token = await resetToken(shopper);
    expect((await confirm(token)).status).toBe(204);
    await expectInvalidToken(await confirm(token, "a second try at a password"));

    const refresh = await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: shopper.refreshToken } });
    expect(refresh.status).toBe(401);
    const old = await api("POST", "/api/v1/auth/login", { body: { email: shopper.email, password: PASSWORD } });
    expect(old.status).toBe(401);
    const session = await login(shopper.email, NEW_PASSWORD);
    expect(session.userId).toBe(shopper.userId);
  });

  it("refuses an expired token", async () => {
    const shopper = await signUp("Reset Late");
    const token = await resetToken(shopper);
    // An hour on: the link's expiry is moved into the past rather than waited for.
    await env.AUTH_DB.prepare("UPDATE email_tokens SET expires_at = ? WHERE hash = ?")
      .bind(Date.now() - 1, await sha256Hex(token))
      .run();
    await expectInvalidToken(await confirm(token));
    await login(shopper.email, PASSWORD);
  });

  it("limits requests for one email from many addresses with 429 and retry-after", async () => {
    const email = uniqueEmail("flooded");
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await requestReset(email)).status);
    expect(statuses).toEqual([202, 202, 202]);
    const refused = await requestReset(email.toUpperCase());
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await requestReset(uniqueEmail("other"))).status).toBe(202);
  });
});

describe("email verification through the gateway", () => {
  it("verifies the email with the token mailed at registration, once", async () => {
    const shopper = await signUp("Verify Me");
    const token = await mailedToken("user.email_verification_requested", shopper.email);
    const res = await api("POST", "/api/v1/auth/verify-email", { body: { token } });
    expect(res.status).toBe(200);
    expect((await res.json<{ user: unknown }>()).user).toMatchObject({ id: shopper.userId, emailVerified: true });
    await expectInvalidToken(await api("POST", "/api/v1/auth/verify-email", { body: { token } }));
    const resend = await api("POST", "/api/v1/auth/verify-email/resend", { token: shopper.accessToken });
    expect(resend.status).toBe(202);
  });
});
