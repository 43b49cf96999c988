import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("./wrangler.toml", import.meta.url)) },
      miniflare: {
        bindings: {
          LOG_LEVEL: "warn",
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("../../migrations/catalog", import.meta.url))),
        },
      },
    }),
  ],
  test: {
    name: "catalog",
    root: fileURLToPath(new URL(".", import.meta.url)),
    silent: "passed-only" as const,
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
