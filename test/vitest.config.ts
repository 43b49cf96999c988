import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { bundledWorker } from "../scripts/bundle-worker.ts";
import { MAILBOX_API_KEY, WEBHOOK_SECRET } from "./global-setup.ts";

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** Stripe settings of the payments Worker (and of the tests, which sign webhooks with the same secret). */
const stripe = (url: string) => ({
  STRIPE_SECRET_KEY: "sk_test_system",
  STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  STRIPE_API_BASE: url,
});

// The whole system as a client sees it: the gateway under test, every domain Worker behind it,
// and the local Stripe-compatible server (started by global-setup.ts).
export default defineConfig(async () => {
  const keySecret = crypto.randomUUID();
  // Request logs of passing tests are noise; warnings and errors still show.
  const quiet = { LOG_LEVEL: "warn" };
  // Retries without backoff, so an event that keeps failing reaches users-inbox-dlq in seconds (dead-letters.test.ts).
  const users = await bundledWorker("users", { ...quiet, QUEUE_RETRY_BASE_SECONDS: "0" });
  const workers = [
    await bundledWorker("auth", { KEY_ENCRYPTION_SECRET: keySecret, ...quiet }),
    users,
    await bundledWorker("vendors", quiet),
    await bundledWorker("catalog", quiet),
    // A short payment window, so tests can watch unpaid orders lapse.
    await bundledWorker("orders", { ...quiet, PAYMENT_WINDOW_SECONDS: "40" }),
  ];
  const payments = await bundledWorker("payments", quiet);
  // The shipping Worker's carrier webhook secrets (the tests sign carrier events with them).
  const carrierSecrets = { CARRIER_WEBHOOK_SECRETS: JSON.stringify({ dhl: crypto.randomUUID() }) };
  const notifications = await bundledWorker("notifications", {
    ...quiet,
    EMAIL_API_KEY: MAILBOX_API_KEY,
    WEBHOOK_SECRET_KEY: crypto.randomUUID(),
    // Vendors' webhooks may go to a local receiver in system tests.
    ALLOW_LOCAL_WEBHOOK_URLS: "true",
  });
  const afterSale = [
    await bundledWorker("shipping", { ...quiet, ...carrierSecrets }),
    await bundledWorker("reviews", quiet),
  ];
  // For readiness.test.ts: the users Worker with its database unbound (and off its queues),
  // and a Worker whose ready() answers after the gateway has stopped waiting.
  const notReady = [
    { ...users, name: "users-without-db", d1Databases: {}, queueConsumers: {} },
    {
      name: "slow-worker",
      modules: true,
      script: `import { WorkerEntrypoint } from "cloudflare:workers";
        export default class extends WorkerEntrypoint {
          ready() { return new Promise((resolve) => setTimeout(() => resolve({ ok: true, checks: {} }), 5000)); }
        }`,
    },
  ];
  const migrations = {
    AUTH_MIGRATIONS: await readD1Migrations(path("../migrations/auth")),
    USERS_MIGRATIONS: await readD1Migrations(path("../migrations/users")),
    VENDORS_MIGRATIONS: await readD1Migrations(path("../migrations/vendors")),
    CATALOG_MIGRATIONS: await readD1Migrations(path("../migrations/catalog")),
    ORDERS_MIGRATIONS: await readD1Migrations(path("../migrations/orders")),
    PAYMENTS_MIGRATIONS: await readD1Migrations(path("../migrations/payments")),
    SHIPPING_MIGRATIONS: await readD1Migrations(path("../migrations/shipping")),
    NOTIFICATIONS_MIGRATIONS: await readD1Migrations(path("../migrations/notifications")),
    REVIEWS_MIGRATIONS: await readD1Migrations(path("../migrations/reviews")),
  };
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: path("../wrangler.toml") },
        miniflare: {
          workers: [
            ...workers,
            { ...payments, bindings: { ...payments.bindings, ...stripe(inject("stripeUrl")) } },
            // Mail goes to the local mailbox (started by global-setup.ts), read back by test/notifications.test.ts.
            {
              ...notifications,
              bindings: { ...notifications.bindings, EMAIL_API_URL: inject("mailboxUrl") },
            },
            ...afterSale,
            ...notReady,
          ],
          serviceBindings: { USERS_WITHOUT_DB: "users-without-db", SLOW_WORKER: "slow-worker" },
          // Tests may play the payments Worker and publish payment.* events to the orders inbox,
          // play auth, publishing user.registered events to the users inbox and its verification mail request to
          // the notifications inbox, and play reviews, publishing review.updated events to the catalog and vendors inboxes.
          queueProducers: {
            ORDERS_INBOX: "orders-inbox",
            USERS_INBOX: "users-inbox",
            NOTIFICATIONS_INBOX: "notifications-inbox",
            CATALOG_INBOX: "catalog-inbox",
            VENDORS_INBOX: "vendors-inbox",
          },
          // The domains' databases, bound to the tests too, to migrate them and to arrange data.
          d1Databases: {
            AUTH_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a01",
            USERS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a02",
            VENDORS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a03",
            CATALOG_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a04",
            ORDERS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a05",
            PAYMENTS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a06",
            SHIPPING_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a07",
            NOTIFICATIONS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a08",
            REVIEWS_DB: "7d3a4c8e-0a11-4c1e-9a51-000000000a09",
          },
          bindings: {
            ...migrations,
            ...stripe(inject("stripeUrl")),
            ...carrierSecrets,
            STRIPE_FAKE_URL: inject("stripeUrl"),
            MAILBOX_URL: inject("mailboxUrl"),
            KEY_ENCRYPTION_SECRET: keySecret,
            ...quiet,
            // The gateway's login throttle at sizes a test can watch (test/security.test.ts).
            LOGIN_FAILURES_PER_ACCOUNT: "12",
            LOGIN_BACKOFF_BASE_SECONDS: "1",
            LOGIN_BACKOFF_MAX_SECONDS: "4",
          },
        },
      })),
    ],
    test: {
      name: "system",
      root: path("."),
      silent: "passed-only" as const,
      include: ["**/*.test.ts"],
      // The reliability suite runs in Node against a real wrangler dev (npm run test:reliability).
      exclude: ["reliability/**", "**/node_modules/**"],
      setupFiles: ["./setup.ts"],
      testTimeout: 30_000,
      // Setup hooks sign several accounts up (scrypt) and can outlast the default 10 s on a loaded machine.
      hookTimeout: 30_000,
      globalSetup: ["./global-setup.ts"],
    },
  };
});
