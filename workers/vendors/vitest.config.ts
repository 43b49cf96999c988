import { workerProject } from "../../vitest.worker.ts";

export default workerProject("vendors", {
  // Applying asks users for the profile; these tests call the services directly and need no answers from it.
  workers: [
    {
      name: "users",
      modules: true,
      script: `import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint { profile() { return null; } profileByEmail() { return null; } }`,
    },
  ],
});
