import { env } from "cloudflare:workers";
import { hmacSha256Hex } from "#lib/crypto.ts";
import { api } from "./helpers.ts";

/** A carrier event signed as the carrier "dhl" signs it (Carrier-Signature, the shipping Worker's secret for the tests). */
export async function carrierPost(body: unknown, signedAt = Math.floor(Date.now() / 1000)) {
  const payload = JSON.stringify(body);
  const secret = (JSON.parse(env.CARRIER_WEBHOOK_SECRETS) as Record<string, string>).dhl ?? "";
  const v1 = await hmacSha256Hex(secret, `${signedAt}.${payload}`);
  return api("POST", "/webhooks/carrier/dhl", { body, headers: { "carrier-signature": `t=${signedAt},v1=${v1}` } });
}
