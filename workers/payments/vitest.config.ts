import { workerProject } from "../../vitest.worker.ts";

export default workerProject("payments", {
  // Never reached: the tests call the money helpers and give the services a stand-in Stripe client.
  bindings: { STRIPE_SECRET_KEY: "sk_test_unit", STRIPE_WEBHOOK_SECRET: "whsec_unit" },
  // Commission rates come from vendors when an order is paid: a vendor whose id starts with ven_rate10 keeps 10 %, every other vendor is unknown.
  workers: [
    {
      name: "vendors",
      modules: true,
      script: `import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint {
          vendor(id) {
            return id.startsWith("ven_rate10")
              ? { id, name: "Ten", slug: "ten", status: "approved", commissionBps: 1000, ownerUserId: "usr_ten" }
              : null;
          }
        }`,
    },
  ],
});
