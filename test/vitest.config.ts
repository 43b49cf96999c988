import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { bundledWorker } from "./bundle-workers.ts";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

// The whole system as a client sees it: the gateway under test, auth and users behind it.
export default defineConfig(async () => {
  const keySecret = crypto.randomUUID();
  // Request logs of passing tests are noise; warnings and errors still show.
  const quiet = { LOG_LEVEL: "warn" };
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: path("../wrangler.toml") },
        miniflare: {
          workers: [
            await bundledWorker("auth", { KEY_ENCRYPTION_SECRET: keySecret, ...quiet }),
            await bundledWorker("users", quiet),
            await bundledWorker("vendors", quiet),
            await bundledWorker("catalog", quiet),
            // A short payment window, so tests can watch unpaid orders lapse.
            await bundledWorker("orders", { ...quiet, PAYMENT_WINDOW_SECONDS: "12" }),
          ],
          // Tests play the payments Worker: they publish payment.* events to the orders inbox.
          queueProducers: { ORDERS_INBOX: "orders-inbox" },
          // The domains' databases, bound to the tests too, to migrate them and to arrange data.
          d1Databases: {
            AUTH_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a01",
            USERS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a02",
            VENDORS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a03",
            CATALOG_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a04",
            ORDERS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a05",
          },
          bindings: {
            AUTH_MIGRATIONS: await readD1Migrations(path("../migrations/auth")),
            USERS_MIGRATIONS: await readD1Migrations(path("../migrations/users")),
            VENDORS_MIGRATIONS: await readD1Migrations(path("../migrations/vendors")),
            CATALOG_MIGRATIONS: await readD1Migrations(path("../migrations/catalog")),
            ORDERS_MIGRATIONS: await readD1Migrations(path("../migrations/orders")),
            KEY_ENCRYPTION_SECRET: keySecret,
            ...quiet,
          },
        },
      }),
    ],
    test: {
      name: "system",
      root: path("."),
      silent: "passed-only" as const,
    include: ["**/*.test.ts"],
      setupFiles: ["./setup.ts"],
      testTimeout: 30_000,
    },
  };
});
