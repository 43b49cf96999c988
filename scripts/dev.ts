// `npm run dev`: migrates the local D1 databases, starts every Worker in one
// `wrangler dev` (so service bindings, queues and Durable Objects connect),
// seeds the marketplace and prints where everything is.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { run } from "./run.ts";
import { ROOT, STATE_DIR, workers } from "./workers.ts";

const port = process.env.PORT ?? "8787";
const gateway = `http://localhost:${port}`;

const stripePort = process.env.STRIPE_FAKE_PORT ?? "12111";

// Local secrets, made once per checkout and never committed (.gitignore has .dev.vars).
const authVars = `${ROOT}workers/auth/.dev.vars`;
if (!existsSync(authVars)) writeFileSync(authVars, `KEY_ENCRYPTION_SECRET=${randomBytes(32).toString("hex")}\n`);
// payments talks to the local Stripe-compatible server; put real test-mode keys here (and drop STRIPE_API_BASE) to use Stripe.
const paymentsVars = `${ROOT}workers/payments/.dev.vars`;
if (!existsSync(paymentsVars)) {
  writeFileSync(
    paymentsVars,
    `STRIPE_SECRET_KEY=sk_test_local\nSTRIPE_WEBHOOK_SECRET=whsec_local\nSTRIPE_API_BASE=http://127.0.0.1:${stripePort}\n`,
  );
}

// The carriers' webhook secrets; `npm run carrier` signs its events with them.
const shippingVars = `${ROOT}workers/shipping/.dev.vars`;
if (!existsSync(shippingVars)) {
  const secrets = Object.fromEntries(["dhl", "ups", "postnord"].map((c) => [c, `carrier_local_${c}`]));
  writeFileSync(shippingVars, `CARRIER_WEBHOOK_SECRETS='${JSON.stringify(secrets)}'\n`);
}

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
  process.exit(code ?? 0);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stripeFake.kill(signal);
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
