import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { base64url, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, forgeToken, freshIp, PASSWORD, type Session, signUp, uniqueEmail } from "./helpers.ts";

const ISSUER = "marketplace-auth";
const AUDIENCE = "marketplace-api";

async function expectUnauthorized(token: string) {
  const res = await api("GET", "/api/v1/me", { token });
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("www-authenticate")).toContain("Bearer");
}

describe("JWT attacks, each refused with 401", () => {
  let session: Session;
  const now = () => Math.floor(Date.now() / 1000);
  const claims = () => ({
    sub: session.userId,
    roles: ["customer", "admin"],
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 300,
  });

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
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: publicKey.kid })
      .sign(secret);
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
    const payload = base64url.encode(JSON.stringify({ ...claims(), roles: ["admin"] }));
    await expectUnauthorized(`${header}.${payload}.${signature}`);
  });

  it("signed by a key that is not in the JWKS, under a trusted kid", async () => {
    const jwks = await (await api("GET", "/.well-known/jwks.json")).json<{ keys: { kid: string }[] }>();
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    expect(jwks.keys.map((k) => k.kid)).not.toContain((await exportJWK(publicKey)).kid);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: jwks.keys[0]!.kid })
      .sign(privateKey);
    await expectUnauthorized(token);
  });

  it("garbage, and an Authorization header of the wrong scheme", async () => {
    await expectUnauthorized("not.a.jwt");
    const basic = await api("GET", "/api/v1/me", { headers: { authorization: `Basic ${btoa("a:b")}` } });
    expect(basic.status).toBe(401);
  });

  it("a client cannot pick its own actor through the internal header", async () => {
    const res = await api("GET", "/api/v1/me", {
      headers: { "x-actor": JSON.stringify({ sub: session.userId, roles: ["admin"] }) },
    });
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
    expect((problem as unknown as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      "name",
      "password",
    ]);
  });

  it("wrong types", async () => {
    await expectProblem(await register({ email: 42, password: ["x"], name: null }), 400);
  });

  it("malformed JSON", async () => {
    await expectProblem(await register('{"email": "a@example.com", '), 400);
  });

  it("a body that is not JSON", async () => {
    await expectProblem(
      await register("email=a@example.com", { "content-type": "application/x-www-form-urlencoded" }),
      415,
    );
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
  // The test project's values (test/vitest.config.ts): a smaller account limit and a
  // backoff in seconds rather than minutes, so the rules can be watched in a test run.
  const PER_ADDRESS = 10; // LOGIN_FAILURES_PER_ADDRESS per 60 s
  const PER_ACCOUNT = 12; // LOGIN_FAILURES_PER_ACCOUNT per hour
  const FREE_PER_PAIR = 5; // LOGIN_BACKOFF_AFTER_FAILURES, then 1 s, 2 s, 4 s (LOGIN_BACKOFF_BASE_SECONDS = 1, _MAX_SECONDS = 4)

  const attempt = (email: string, ip: string, password = "wrong password") =>
    api("POST", "/api/v1/auth/login", { body: { email, password }, ip });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function expectThrottled(res: Response, policy: string) {
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("ratelimit")).toMatch(new RegExp(`^"${policy}";r=0;t=\\d+$`));
    expect(res.headers.get("ratelimit-policy")).toMatch(new RegExp(`^"${policy}";q=\\d+;w=\\d+$`));
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    return retryAfter;
  }

  it("refuses an address's failures after the limit across many accounts (credential stuffing), and leaves another address alone", async () => {
    const ip = freshIp();
    const first = await attempt(uniqueEmail(), ip);
    expect(first.status).toBe(401);
    expect(first.headers.get("ratelimit")).toContain(`"login-ip";r=${PER_ADDRESS - 1};t=60`);
    for (let i = 1; i < PER_ADDRESS; i++) {
      // A different unknown account each time, so only the per-address limit counts.
      expect((await attempt(uniqueEmail(), ip)).status).toBe(401);
    }
    const blocked = await attempt(uniqueEmail(), ip);
    await expectThrottled(blocked, "login-ip");
    expect(blocked.headers.get("ratelimit-policy")).toBe(`"login-ip";q=${PER_ADDRESS};w=60`);

    expect((await attempt(uniqueEmail(), freshIp())).status).toBe(401);
  });

  it("never lets a stranger's wrong passwords from other addresses stop the owner signing in from theirs", async () => {
    const owner = await signUp("Owner");
    for (const attacker of [freshIp(), freshIp()]) {
      for (let i = 0; i < FREE_PER_PAIR; i++) expect((await attempt(owner.email, attacker)).status).toBe(401);
      await expectThrottled(await attempt(owner.email, attacker), "login-account-ip");
      // The right password from a throttled address is refused too: a 429 must not tell a guesser anything.
      await expectThrottled(await attempt(owner.email, attacker, PASSWORD), "login-account-ip");
    }
    expect((await attempt(owner.email, freshIp(), PASSWORD)).status).toBe(200);
  });

  it("does not count successful sign-ins against the account or the address", async () => {
    const owner = await signUp("Frequent");
    const home = freshIp();
    for (let i = 0; i < PER_ADDRESS + 1; i++) expect((await attempt(owner.email, home, PASSWORD)).status).toBe(200);
  });

  it("backs one address off one account exponentially, and a success from it ends the backoff", async () => {
    const owner = await signUp("Targeted");
    const attacker = freshIp();
    for (let i = 0; i < FREE_PER_PAIR; i++) expect((await attempt(owner.email, attacker)).status).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      const wait = await expectThrottled(await attempt(owner.email, attacker), "login-account-ip");
      waits.push(wait);
      await sleep(wait * 1000 + 150);
      expect((await attempt(owner.email, attacker)).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 4]);
    // Another address is not held back by this one's failures.
    expect((await attempt(owner.email, freshIp())).status).toBe(401);

    const last = await expectThrottled(await attempt(owner.email, attacker), "login-account-ip");
    await sleep(last * 1000 + 150);
    expect((await attempt(owner.email, attacker, PASSWORD)).status).toBe(200);
    expect((await attempt(owner.email, attacker)).status).toBe(401);
  });

  it("lets no more parallel guesses through than the limit allows", async () => {
    const owner = await signUp("Raced");
    const attacker = freshIp();
    const results = await Promise.all(Array.from({ length: 2 * FREE_PER_PAIR }, () => attempt(owner.email, attacker)));
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([...Array(FREE_PER_PAIR).fill(401), ...Array(FREE_PER_PAIR).fill(429)]);
  });

  it("throttles a guess spread over many addresses at the account's limit, except from an address the owner signed in from", async () => {
    const owner = await signUp("Distributed");
    const home = freshIp();
    expect((await attempt(owner.email, home, PASSWORD)).status).toBe(200);
    for (let i = 0; i < PER_ACCOUNT; i++)
      expect((await attempt(owner.email.toUpperCase(), freshIp())).status).toBe(401);

    const retryAfter = await expectThrottled(await attempt(owner.email, freshIp()), "login-account");
    expect(retryAfter).toBeGreaterThan(60);
    // A new address cannot be told from the guesser's next one, so it waits too; the owner's own address does not.
    await expectThrottled(await attempt(owner.email, freshIp(), PASSWORD), "login-account");
    expect((await attempt(owner.email, home, PASSWORD)).status).toBe(200);
  });
});

describe("the login throttle's own storage", () => {
  it("forgets an address's failures once they leave the window, and keeps an owner's trusted address", async () => {
    const stub = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.idFromName(`account:${uniqueEmail()}`));
    const limits = { failures: 3, windowSeconds: 1, perAddress: { freeFailures: 5, baseSeconds: 1, maxSeconds: 4 } };
    const failed = await stub.begin("192.0.2.1", limits);
    const signedIn = await stub.begin("192.0.2.2", limits);
    expect(failed.allowed && signedIn.allowed).toBe(true);
    if (signedIn.allowed) await stub.settle(signedIn.attemptId, "192.0.2.2", true);

    // The alarm fires by itself after the window; running it again early changes nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await runDurableObjectAlarm(stub);
    const keys = await runInDurableObject(stub, async (_instance, state) =>
      [...(await state.storage.list()).keys()].sort(),
    );
    // The window has forgotten the failure; its address's backoff remembers it for a day.
    expect(keys).toEqual(["address:192.0.2.1", "known"]);
  });

  it("deletes an address-wide counter entirely once its window has passed", async () => {
    const stub = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.idFromName(`address:${freshIp()}`));
    expect((await stub.begin("192.0.2.3", { failures: 3, windowSeconds: 1 })).allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, async (_instance, state) => (await state.storage.list()).size)).toBe(0);
  });
});
