import { env } from "cloudflare:workers";
import { api } from "./helpers.ts";

/** A carrier event signed as the carrier "dhl" signs it (Carrier-Signature, the shipping Worker's secret for the tests). */
export async function carrierPost(body: unknown, signedAt = Math.floor(Date.now() / 1000)) {
  const payload = JSON.stringify(body);
  const secret = (JSON.parse(env.CARRIER_WEBHOOK_SECRETS) as Record<string, string>).dhl ?? "";
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${signedAt}.${payload}`)));
  const v1 = [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
  return api("POST", "/webhooks/carrier/dhl", { body, headers: { "carrier-signature": `t=${signedAt},v1=${v1}` } });
}
