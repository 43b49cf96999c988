import { env, exports } from "cloudflare:workers";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import type { Actor } from "#lib/contracts/actor.ts";
import type { Membership } from "#lib/contracts/rpc.ts";

/** What a stand-in domain Worker (vitest.config.ts) saw of a forwarded request. */
export interface Seen {
  service: string;
  method: string;
  path: string;
  served: number;
  bytes: number;
  headers: Record<string, string>;
}

interface AuthStub {
  publishKeys(keys: JWK[]): Promise<void>;
}
interface VendorsStub {
  setMembership(userId: string, membership: Membership | null | "unavailable"): Promise<void>;
}

export const authStub = env.AUTH as unknown as AuthStub;
export const vendorsStub = env.VENDORS as unknown as VendorsStub;

/** A request to the gateway, as a client sends it. */
export function call(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  return exports.default.fetch(new Request(`https://market.test${path}`, { ...rest, headers }));
}

export type Signer = Awaited<ReturnType<typeof signingKey>>;

/** An ES256 key pair; `publish` hands the public half to auth's JWKS. */
export async function signingKey(kid = `kid-${crypto.randomUUID()}`) {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return {
    kid,
    publish: () => authStub.publishKeys([jwk]),
    /** An access token as auth issues them; `claims` and `header` override its parts. */
    sign: (actor: Actor, options: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        sub: actor.sub,
        roles: actor.roles,
        vid: actor.vid,
        iss: env.JWT_ISSUER,
        aud: env.JWT_AUDIENCE,
        iat: now,
        exp: now + 900,
        ...options.claims,
      };
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid, typ: "at+jwt", ...options.header })
        .sign(privateKey);
    },
  };
}

let n = 0;
export const customer = (): Actor => ({ sub: `usr_customer_${++n}`, roles: ["customer"] });
export const admin = (): Actor => ({ sub: `usr_admin_${++n}`, roles: ["customer", "admin"] });

/** Staff of an approved store, as the vendors Worker will confirm (change it with vendorsStub.setMembership). */
export async function vendor(): Promise<Actor> {
  const actor: Actor = { sub: `usr_vendor_${++n}`, roles: ["customer", "vendor"], vid: `ven_${n}` };
  await vendorsStub.setMembership(actor.sub, { vendorId: `ven_${n}`, role: "owner", status: "approved" });
  return actor;
}
