import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The local mailbox's own tests: plain Node, a server started per file.
export default defineConfig({
  test: {
    name: "mailbox",
    environment: "node",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["scripts/mailbox/**/*.test.ts"],
  },
});
