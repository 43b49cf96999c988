import { SignJWT } from "jose";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, customer, type Signer, signingKey } from "./helpers.ts";

let key: Signer;
beforeAll(async () => {
  key = await signingKey();
  await key.publish();
});

afterEach(() => {
  vi.useRealTimers();
});

const statusWith = async (token: string) => (await call("/api/v1/me", { token })).status;

describe("access tokens verified against auth's JWKS", () => {
  it("accepts a token signed by a published key", async () => {
    expect(await statusWith(await key.sign(customer()))).toBe(200);
  });

  it("refuses a token for another audience or from another issuer", async () => {
    expect(await statusWith(await key.sign(customer(), { claims: { aud: "another-api" } }))).toBe(401);
    expect(await statusWith(await key.sign(customer(), { claims: { iss: "someone-else" } }))).toBe(401);
  });

  it("refuses a token that is not an ES256 access token, or lacks its subject or expiry", async () => {
    expect(await statusWith(await key.sign(customer(), { header: { typ: "JWT" } }))).toBe(401);
    expect(await statusWith(await key.sign(customer(), { claims: { sub: undefined } }))).toBe(401);
    expect(await statusWith(await key.sign(customer(), { claims: { exp: undefined } }))).toBe(401);
    const hmac = await new SignJWT({ sub: "usr_hmac", roles: ["customer"] })
      .setProtectedHeader({ alg: "HS256", kid: key.kid, typ: "at+jwt" })
      .setIssuedAt()
      .setExpirationTime("15m")
      .sign(crypto.getRandomValues(new Uint8Array(32)));
    expect(await statusWith(hmac)).toBe(401);
  });

  it("allows 5 s of clock skew on expiry, no more", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expiredAgo = (seconds: number) => key.sign(customer(), { claims: { iat: now - 900, exp: now - seconds } });
    expect(await statusWith(await expiredAgo(2))).toBe(200);
    expect(await statusWith(await expiredAgo(8))).toBe(401);
  });

  it("refuses a token with roles the API does not know", async () => {
    expect(await statusWith(await key.sign(customer(), { claims: { roles: ["root"] } }))).toBe(401);
  });

  it("refetches the JWKS for an unknown kid, at most once every 10 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    // The key set is fresh from the tests above: a key published since is not looked for yet.
    expect(await statusWith(await key.sign(customer()))).toBe(200);
    const rotated = await signingKey();
    await rotated.publish();
    expect(await statusWith(await rotated.sign(customer()))).toBe(401);
    vi.setSystemTime(Date.now() + 10_001);
    expect(await statusWith(await rotated.sign(customer()))).toBe(200);
    // The refetch just happened: the next new kid waits for the interval again.
    const next = await signingKey();
    await next.publish();
    expect(await statusWith(await next.sign(customer()))).toBe(401);
    vi.setSystemTime(Date.now() + 10_001);
    expect(await statusWith(await next.sign(customer()))).toBe(200);
    // Earlier keys stay trusted after a rotation.
    expect(await statusWith(await key.sign(customer()))).toBe(200);
  });

  it("refuses a kid auth never published, even after the interval", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 60_000);
    const unpublished = await signingKey();
    expect(await statusWith(await unpublished.sign(customer()))).toBe(401);
  });
});
