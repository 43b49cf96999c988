import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Checks of the shared contracts against the Workers' configuration: plain Node, no Worker started.
export default defineConfig({
  test: {
    name: "contracts",
    environment: "node",
    root: fileURLToPath(new URL("..", import.meta.url)),
    include: ["lib/**/*.test.ts"],
  },
});
