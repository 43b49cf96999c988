import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The Stripe fake's own tests: plain Node, the real stripe SDK against a server started per file.
export default defineConfig({
  test: {
    name: "stripe-fake",
    environment: "node",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["scripts/stripe-fake/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
