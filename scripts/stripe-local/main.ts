// `node scripts/stripe-local/main.ts`: the local Stripe-compatible server on its own (npm run dev starts it).
import { startStripeFake } from "./server.ts";

const fake = await startStripeFake({
  port: Number(process.env.STRIPE_FAKE_PORT ?? "12111"),
  webhookUrl: process.env.STRIPE_WEBHOOK_URL,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? "whsec_local",
});
console.log(`stripe (local) listening on ${fake.url}${process.env.STRIPE_WEBHOOK_URL ? `, webhooks to ${process.env.STRIPE_WEBHOOK_URL}` : ""}`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void fake.close().then(() => process.exit(0)));
