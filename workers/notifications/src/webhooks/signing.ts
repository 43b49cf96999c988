import { base64url } from "jose";
import { hmacSha256Hex, seal, unseal } from "#lib/crypto.ts";

const SEAL_PURPOSE = "notifications webhook secret v1";

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return `whsec_${base64url.encode(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export const sealSecret = (key: string, secret: string) => seal(key, secret, SEAL_PURPOSE);
export const unsealSecret = (key: string, sealed: string) => unseal(key, sealed, SEAL_PURPOSE);

/** Hex HMAC-SHA256 of `<t>.<body>` under the endpoint's secret (the whole `whsec_…` string is the key). */
export function signatureOf(secret: string, timestamp: number, body: string): Promise<string> {
  return hmacSha256Hex(secret, `${timestamp}.${body}`);
}

/** The `Marketplace-Signature` header, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC>`. */
export async function signatureHeader(secret: string, body: string, now = Date.now()): Promise<string> {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${await signatureOf(secret, t, body)}`;
}
