import { workerProject } from "../../vitest.worker.ts";

export default workerProject("payments", {
  // Never reached: the tests call the money helpers and give the services a stand-in Stripe client.
  bindings: { STRIPE_SECRET_KEY: "sk_test_unit", STRIPE_WEBHOOK_SECRET: "whsec_unit" },
  // Commission rates come from vendors when an order is paid; these tests record shares themselves.
  workers: [
    {
      name: "vendors",
      modules: true,
      script: `import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint { vendor() { return null; } }`,
    },
  ],
});
