import { workerProject } from "../../vitest.worker.ts";

export default workerProject("auth", {
  bindings: { KEY_ENCRYPTION_SECRET: crypto.randomUUID() },
  // auth asks vendors for memberships when it issues tokens; here nobody belongs to a vendor.
  workers: [
    {
      name: "vendors",
      modules: true,
      script: `import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint { membership() { return null; } }`,
    },
  ],
});
