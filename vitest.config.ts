import { defineConfig } from "vitest/config";

// One run for every Worker's tests and the cross-Worker journeys.
export default defineConfig({
  test: {
    projects: [
      "workers/*/vitest.config.ts",
      "test/vitest.config.ts",
      "scripts/stripe-fake/vitest.config.ts",
      "scripts/mailbox/vitest.config.ts",
      "lib/vitest.config.ts",
    ],
  },
});
