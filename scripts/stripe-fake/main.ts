// `node scripts/stripe-fake/main.ts`: the Stripe fake on its own. STRIPE_FAKE_PORT (12111), STRIPE_WEBHOOK_URL, STRIPE_WEBHOOK_SECRET (whsec_local).
import { startStripeFake } from "./server.ts";

const webhookUrl = process.env.STRIPE_WEBHOOK_URL || undefined;
const fake = await startStripeFake({
  port: Number(process.env.STRIPE_FAKE_PORT || "12111"),
  webhookUrl,
  webhookSecret: process.env.STRIPE_WEBHOOK_SECRET || "whsec_local",
});
console.log(
  `Stripe fake on ${fake.url}${webhookUrl ? `, webhooks to ${webhookUrl}` : " (no webhook URL: events at /_fake/events)"}`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
