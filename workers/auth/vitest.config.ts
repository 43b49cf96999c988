import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: fileURLToPath(new URL("./wrangler.toml", import.meta.url)) },
      miniflare: {
        // auth asks vendors for memberships when it issues tokens; here nobody belongs to a vendor.
        workers: [
          {
            name: "vendors",
            modules: true,
            script: `import { WorkerEntrypoint } from "cloudflare:workers";
              export default class extends WorkerEntrypoint { membership() { return null; } }`,
          },
        ],
        bindings: {
          LOG_LEVEL: "warn",
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL("../../migrations/auth", import.meta.url))),
          KEY_ENCRYPTION_SECRET: crypto.randomUUID(),
        },
      },
    }),
  ],
  test: {
    name: "auth",
    root: fileURLToPath(new URL(".", import.meta.url)),
    silent: "passed-only" as const,
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
}));
