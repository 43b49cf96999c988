import { z } from "zod";
import { verifyHmacSha256Hex } from "#lib/crypto.ts";
import { ProblemError } from "#lib/http/problem.ts";

/** How far a signature's timestamp may be from now, either way. */
export const TOLERANCE_SECONDS = 300;

const Secrets = z.record(z.string(), z.string().min(1));

/** The carrier's secret from CARRIER_WEBHOOK_SECRETS (a JSON object carrier → secret), or undefined for an unknown carrier. */
export function carrierSecret(secrets: string | undefined, carrier: string): string | undefined {
  let parsed: Record<string, string> = {};
  try {
    parsed = Secrets.parse(JSON.parse(secrets ?? "{}"));
  } catch {
    // A malformed setting knows no carrier; every webhook is refused until it is fixed.
  }
  return Object.hasOwn(parsed, carrier) ? parsed[carrier] : undefined;
}

function refuse(detail: string): never {
  throw new ProblemError(400, detail, { type: "invalid-signature" });
}

/**
 * Stripe's scheme: `Carrier-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`,
 * exactly one timestamp, within TOLERANCE_SECONDS of now either way; any one v1 may match (secret rotation).
 */
export async function verifySignature(
  secret: string,
  header: string | undefined,
  payload: string,
  nowSeconds = Date.now() / 1000,
): Promise<void> {
  if (!header) refuse("The Carrier-Signature header is missing.");
  const parts = header.split(",").map((part) => part.trim());
  const stamps = parts.filter((part) => part.startsWith("t="));
  const timestamp = stamps.length === 1 ? Number(/^t=(\d{1,12})$/.exec(stamps[0] ?? "")?.[1]) : Number.NaN;
  if (!Number.isFinite(timestamp)) refuse("The Carrier-Signature header must carry exactly one timestamp.");
  if (nowSeconds - timestamp > TOLERANCE_SECONDS) refuse("The signature is older than five minutes.");
  if (timestamp - nowSeconds > TOLERANCE_SECONDS) refuse("The signature's timestamp is in the future.");
  const signatures = parts.filter((part) => part.startsWith("v1=")).map((part) => part.slice(3));
  for (const signature of signatures) {
    if (await verifyHmacSha256Hex(secret, `${timestamp}.${payload}`, signature)) return;
  }
  refuse("The signature does not match.");
}
