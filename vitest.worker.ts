import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

type PoolOptions = Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>;
type AuxiliaryWorkers = NonNullable<PoolOptions["miniflare"]>["workers"];

/**
 * The vitest project of one Worker: its own wrangler.toml, its D1 migrated from
 * migrations/<name> (test/setup.ts applies TEST_MIGRATIONS), quiet logs.
 */
export function workerProject(
  name: string,
  extra: { bindings?: Record<string, string>; workers?: AuxiliaryWorkers } = {},
) {
  const dir = new URL(`./workers/${name}/`, import.meta.url);
  return defineConfig(async () => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: fileURLToPath(new URL("wrangler.toml", dir)) },
        miniflare: {
          workers: extra.workers,
          bindings: {
            LOG_LEVEL: "warn",
            TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL(`./migrations/${name}`, import.meta.url))),
            ...extra.bindings,
          },
        },
      }),
    ],
    test: {
      name,
      root: fileURLToPath(dir),
      silent: "passed-only" as const,
      include: ["test/**/*.test.ts"],
      setupFiles: ["./test/setup.ts"],
    },
  }));
}
