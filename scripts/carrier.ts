// `npm run carrier -- <in_transit|out_for_delivery|exception|deliver> <trackingNumber> [--carrier dhl]`:
// plays a carrier, posting signed tracking events to the local gateway's /webhooks/carrier/<carrier>.
// `deliver` sends in_transit, out_for_delivery and delivered in turn.
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ROOT } from "./workers.ts";

const USAGE =
  "usage: npm run carrier -- <in_transit|out_for_delivery|exception|deliver> <trackingNumber> [--carrier dhl]";
const STEPS: Record<string, string[]> = {
  in_transit: ["in_transit"],
  out_for_delivery: ["out_for_delivery"],
  exception: ["exception"],
  deliver: ["in_transit", "out_for_delivery", "delivered"],
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { carrier: { type: "string", default: "dhl" } },
});
const [command, trackingNumber] = positionals;
const steps = command ? STEPS[command] : undefined;
if (!steps || !trackingNumber) {
  console.error(USAGE);
  process.exit(2);
}
const carrier = values.carrier;
const secret = localSecret(carrier);
const gateway = `http://localhost:${process.env.PORT ?? "8787"}`;

for (const status of steps) {
  const body = JSON.stringify({
    id: `${carrier}_${randomUUID()}`,
    trackingNumber,
    status,
    occurredAt: new Date().toISOString(),
    location: "Local depot",
    description: `${status.replaceAll("_", " ")} (npm run carrier)`,
  });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
  const url = `${gateway}/webhooks/carrier/${carrier}`;
  console.log(`→ POST ${url}\n  Carrier-Signature: ${signature}\n  ${body}`);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "carrier-signature": signature },
    body,
  });
  console.log(`← ${res.status} ${await res.text()}\n`);
  if (!res.ok) process.exit(1);
}

/** The carrier's secret from workers/shipping/.dev.vars, which `npm run dev` writes. */
function localSecret(name: string): string {
  const file = `${ROOT}workers/shipping/.dev.vars`;
  if (!existsSync(file)) throw new Error(`${file} is missing: start the marketplace once with npm run dev`);
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("CARRIER_WEBHOOK_SECRETS="));
  const raw =
    line
      ?.slice("CARRIER_WEBHOOK_SECRETS=".length)
      .trim()
      .replace(/^'(.*)'$/, "$1") ?? "{}";
  const secrets = JSON.parse(raw) as Record<string, string>;
  const found = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
  if (!found) throw new Error(`no secret for carrier "${name}" in ${file} (known: ${Object.keys(secrets).join(", ")})`);
  return found;
}
