import { UnsecuredJWT, SignJWT, exportJWK, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, forgeToken, freshIp, signUp, type Session, uniqueEmail } from "./helpers.ts";

const ISSUER = "marketplace-auth";
const AUDIENCE = "marketplace-api";

function base64url(text: string) {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function expectUnauthorized(token: string) {
  const res = await api("GET", "/api/v1/me", { token });
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("www-authenticate")).toContain("Bearer");
}

describe("JWT attacks, each refused with 401", () => {
  let session: Session;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({ sub: session.userId, roles: ["customer", "admin"], iss: ISSUER, aud: AUDIENCE, iat: now(), exp: now() + 300 });

  beforeAll(async () => {
    session = await signUp();
  });

  it("accepts the genuine token and a forged twin with nothing changed (the control)", async () => {
    expect((await api("GET", "/api/v1/me", { token: session.accessToken })).status).not.toBe(401);
    expect((await api("GET", "/api/v1/me", { token: await forgeToken(claims()) })).status).not.toBe(401);
  });

  it("alg: none", async () => {
    await expectUnauthorized(new UnsecuredJWT(claims()).encode());
  });

  it("HS256 signed with the server's public key as the secret", async () => {
    const jwks = await (await api("GET", "/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>();
    const publicKey = jwks.keys[0]!;
    const secret = new TextEncoder().encode(JSON.stringify(publicKey));
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: publicKey.kid }).sign(secret);
    await expectUnauthorized(token);
  });

  it("an unknown kid", async () => {
    await expectUnauthorized(await forgeToken(claims(), { kid: "no-such-key" }));
  });

  it("expired", async () => {
    await expectUnauthorized(await forgeToken({ ...claims(), iat: now() - 3600, exp: now() - 60 }));
  });

  it("not valid before a time in the future", async () => {
    await expectUnauthorized(await forgeToken({ ...claims(), nbf: now() + 3600 }));
  });

  it("the wrong audience", async () => {
    await expectUnauthorized(await forgeToken({ ...claims(), aud: "some-other-api" }));
  });

  it("the wrong issuer", async () => {
    await expectUnauthorized(await forgeToken({ ...claims(), iss: "https://attacker.example" }));
  });

  it("no expiry", async () => {
    const { exp: _exp, ...noExpiry } = claims();
    await expectUnauthorized(await forgeToken(noExpiry));
  });

  it("a tampered payload (customer promoted to admin)", async () => {
    const [header, , signature] = session.accessToken.split(".");
    const payload = base64url(JSON.stringify({ ...claims(), roles: ["admin"] }));
    await expectUnauthorized(`${header}.${payload}.${signature}`);
  });

  it("signed by a key that is not in the JWKS, under a trusted kid", async () => {
    const jwks = await (await api("GET", "/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>();
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    expect(jwks.keys.map((k) => k.kid)).not.toContain((await exportJWK(publicKey)).kid);
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwks.keys[0]!.kid }).sign(privateKey);
    await expectUnauthorized(token);
  });

  it("garbage, and an Authorization header of the wrong scheme", async () => {
    await expectUnauthorized("not.a.jwt");
    const basic = await api("GET", "/api/v1/me", { headers: { authorization: `Basic ${btoa("a:b")}` } });
    expect(basic.status).toBe(401);
  });

  it("a client cannot pick its own actor through the internal header", async () => {
    const res = await api("GET", "/api/v1/me", { headers: { "x-actor": JSON.stringify({ sub: session.userId, roles: ["admin"] }) } });
    expect(res.status).toBe(401);
  });
});

describe("bad input gets a problem response, never a 500", () => {
  const register = (body: unknown, headers: Record<string, string> = {}) =>
    api("POST", "/api/v1/auth/register", { body, headers, ip: freshIp() });

  async function expectProblem(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const problem = await res.json<{ status: number; title: string }>();
    expect(problem.status).toBe(status);
    return problem;
  }

  it("missing fields, listed by name", async () => {
    const problem = await expectProblem(await register({ email: uniqueEmail() }), 400);
    expect((problem as unknown as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(["name", "password"]);
  });

  it("wrong types", async () => {
    await expectProblem(await register({ email: 42, password: ["x"], name: null }), 400);
  });

  it("malformed JSON", async () => {
    await expectProblem(await register('{"email": "a@example.com", '), 400);
  });

  it("a body that is not JSON", async () => {
    await expectProblem(await register("email=a@example.com", { "content-type": "application/x-www-form-urlencoded" }), 415);
  });

  it("an oversized body", async () => {
    await expectProblem(await register({ email: uniqueEmail(), password: "x".repeat(70_000), name: "Big" }), 413);
  });

  it("a bad path id or query", async () => {
    const session = await signUp();
    await expectProblem(await api("GET", "/api/v1/me/addresses?limit=1000", { token: session.accessToken }), 400);
    await expectProblem(await api("GET", "/api/v1/me/addresses?cursor=%%%", { token: session.accessToken }), 400);
  });
});

describe("rate limits on credentials", () => {
  it("refuses the attempt after the limit from one IP with 429, and leaves another IP alone", async () => {
    const ip = freshIp();
    const limit = 10; // LOGIN_LIMIT_PER_IP
    for (let i = 0; i < limit; i++) {
      // A different unknown account each time, so only the per-IP limit counts.
      const res = await api("POST", "/api/v1/auth/login", { body: { email: uniqueEmail(), password: "wrong password" }, ip });
      expect(res.status).toBe(401);
    }
    const blocked = await api("POST", "/api/v1/auth/login", { body: { email: uniqueEmail(), password: "wrong password" }, ip });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(blocked.headers.get("ratelimit")).toMatch(/^"login-ip";r=0;t=\d+$/);
    expect(blocked.headers.get("ratelimit-policy")).toBe(`"login-ip";q=${limit};w=60`);

    const elsewhere = await api("POST", "/api/v1/auth/login", { body: { email: uniqueEmail(), password: "wrong password" }, ip: freshIp() });
    expect(elsewhere.status).toBe(401);
  });

  it("limits guesses at one account across many IPs", async () => {
    const email = uniqueEmail();
    for (let i = 0; i < 5; i++) {
      const res = await api("POST", "/api/v1/auth/login", { body: { email, password: "wrong password" }, ip: freshIp() });
      expect(res.status).toBe(401);
    }
    const blocked = await api("POST", "/api/v1/auth/login", { body: { email: email.toUpperCase(), password: "wrong password" }, ip: freshIp() });
    expect(blocked.status).toBe(429);
  });
});
