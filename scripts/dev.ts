// `npm run dev`: migrates the local D1 databases, starts every Worker in one
// `wrangler dev` (so service bindings, queues and Durable Objects connect),
// seeds the marketplace and prints where everything is.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { run } from "./run.ts";
import { ROOT, STATE_DIR, workers } from "./workers.ts";

const port = process.env.PORT ?? "8787";
const gateway = `http://localhost:${port}`;

const stripePort = process.env.STRIPE_FAKE_PORT ?? "12111";
const mailboxPort = process.env.MAILBOX_PORT ?? "12025";
const mailboxKey = "mailbox_local";

/**
 * Local secrets and settings in a Worker's .dev.vars (never committed: .gitignore has it). A key already there is
 * kept, so a developer's own values (real Stripe test keys, say) survive; a key a newer checkout needs is added.
 */
function ensureDevVars(worker: string, defaults: Record<string, string>): void {
  const file = `${ROOT}workers/${worker}/.dev.vars`;
  const current = existsSync(file) ? readFileSync(file, "utf8") : "";
  const present = new Set(current.split("\n").map((line) => line.split("=")[0]?.trim()));
  const missing = Object.entries(defaults).filter(([key]) => !present.has(key));
  if (missing.length === 0) return;
  const prefix = current && !current.endsWith("\n") ? "\n" : "";
  writeFileSync(file, `${current}${prefix}${missing.map(([key, value]) => `${key}=${value}\n`).join("")}`);
}

ensureDevVars("auth", { KEY_ENCRYPTION_SECRET: randomBytes(32).toString("hex") });
// payments talks to the local Stripe-compatible server; put real test-mode keys here (and drop STRIPE_API_BASE) to use Stripe.
ensureDevVars("payments", {
  STRIPE_SECRET_KEY: "sk_test_local",
  STRIPE_WEBHOOK_SECRET: "whsec_local",
  STRIPE_API_BASE: `http://127.0.0.1:${stripePort}`,
});
// notifications sends through the local mailbox's HTTP API (set EMAIL_API_URL empty to use the send_email binding);
// vendors' webhook secrets are sealed with WEBHOOK_SECRET_KEY; locally webhooks may go to http://localhost receivers.
ensureDevVars("notifications", {
  EMAIL_API_URL: `http://127.0.0.1:${mailboxPort}`,
  EMAIL_API_KEY: mailboxKey,
  WEBHOOK_SECRET_KEY: randomBytes(32).toString("hex"),
  ALLOW_LOCAL_WEBHOOK_URLS: "true",
});
// The carriers' webhook secrets; `npm run carrier` signs its events with them.
ensureDevVars("shipping", {
  CARRIER_WEBHOOK_SECRETS: `'${JSON.stringify(Object.fromEntries(["dhl", "ups", "postnord"].map((c) => [c, `carrier_local_${c}`])))}'`,
});

await run("node", [`${ROOT}scripts/db-migrate.ts`]);

const stripeFake = spawn("node", [`${ROOT}scripts/stripe-fake/main.ts`], {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    STRIPE_FAKE_PORT: stripePort,
    STRIPE_WEBHOOK_URL: `${gateway}/webhooks/stripe`,
    STRIPE_WEBHOOK_SECRET: "whsec_local",
  },
});

const mailbox = spawn("node", [`${ROOT}scripts/mailbox/main.ts`], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, MAILBOX_PORT: mailboxPort, MAILBOX_API_KEY: mailboxKey },
});

const configs = workers().flatMap((w) => ["-c", w.config]);
const dev = spawn(
  "wrangler",
  [
    "dev",
    ...configs,
    "--port",
    port,
    "--ip",
    "127.0.0.1",
    "--persist-to",
    STATE_DIR,
    "--show-interactive-dev-session=false",
  ],
  {
    cwd: ROOT,
    stdio: "inherit",
  },
);
dev.on("exit", (code) => {
  stripeFake.kill();
  mailbox.kill();
  process.exit(code ?? 0);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stripeFake.kill(signal);
    mailbox.kill(signal);
    dev.kill(signal);
  });
}

await waitForHealth();
await run("node", [`${ROOT}scripts/seed.ts`]);
console.log(`
  Marketplace running
    gateway   ${gateway}            (the only public entry; /api/v1/*)
    API docs  ${gateway}/api/docs
    OpenAPI   ${gateway}/api/openapi.json
    health    ${gateway}/healthz   (ready: ${gateway}/readyz)
    Stripe    http://127.0.0.1:${stripePort}   (local Stripe-compatible server; webhooks go to ${gateway}/webhooks/stripe)
    Mailbox   http://127.0.0.1:${mailboxPort}   (every email the marketplace sends)
  Workers: ${workers()
    .map((w) => w.name)
    .join(", ")}. Press Ctrl+C to stop.
`);

async function waitForHealth(): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      if ((await fetch(`${gateway}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the gateway did not answer on ${gateway} within a minute`);
}
