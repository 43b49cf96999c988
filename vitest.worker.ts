import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

type PoolOptions = Exclude<Parameters<typeof cloudflareTest>[0], (...args: never[]) => unknown>;
type AuxiliaryWorkers = NonNullable<PoolOptions["miniflare"]>["workers"];

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/**
 * The vitest project of one Worker: its own wrangler file (the gateway's is the
 * root one), the tests in its test/ folder, its D1 migrated from migrations/<name>
 * when it has one (test/worker/setup.ts, shared by every Worker), quiet logs.
 */
export function workerProject(
  name: string,
  extra: { bindings?: Record<string, string>; workers?: AuxiliaryWorkers } = {},
) {
  const dir = path(`./workers/${name}/`);
  const config = name === "gateway" ? path("./wrangler.toml") : `${dir}wrangler.toml`;
  const migrations = path(`./migrations/${name}`);
  return defineConfig(async () => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: config },
        miniflare: {
          workers: extra.workers,
          bindings: {
            LOG_LEVEL: "warn",
            ...(existsSync(migrations) ? { TEST_MIGRATIONS: await readD1Migrations(migrations) } : {}),
            ...extra.bindings,
          },
        },
      }),
    ],
    test: {
      name,
      root: dir,
      silent: "passed-only" as const,
      include: ["test/**/*.test.ts"],
      setupFiles: [path("./test/worker/setup.ts")],
    },
  }));
}
