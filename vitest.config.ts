import { defineConfig } from "vitest/config";

// One run for every Worker's tests and the cross-Worker journeys.
export default defineConfig({
  test: {
    // Most of a file's time is start-up and waiting on queues and alarms, not CPU: run three at once even on two cores
    // (vitest's default there is one).
    maxWorkers: 3,
    projects: [
      "workers/*/vitest.config.ts",
      "test/vitest.config.ts",
      "scripts/stripe-fake/vitest.config.ts",
      "scripts/mailbox/vitest.config.ts",
      "lib/vitest.config.ts",
    ],
  },
});
