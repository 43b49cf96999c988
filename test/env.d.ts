import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      AUTH_DB: D1Database;
      USERS_DB: D1Database;
      VENDORS_DB: D1Database;
      CATALOG_DB: D1Database;
      ORDERS_DB: D1Database;
      PAYMENTS_DB: D1Database;
      PAYMENTS_MIGRATIONS: D1Migration[];
      SHIPPING_DB: D1Database;
      SHIPPING_MIGRATIONS: D1Migration[];
      NOTIFICATIONS_DB: D1Database;
      NOTIFICATIONS_MIGRATIONS: D1Migration[];
      REVIEWS_DB: D1Database;
      REVIEWS_MIGRATIONS: D1Migration[];
      STRIPE_FAKE_URL: string;
      /** The local mailbox the notifications Worker sends to (scripts/mailbox). */
      MAILBOX_URL: string;
      NOTIFICATIONS_INBOX: Queue;
      STRIPE_WEBHOOK_SECRET: string;
      /** The shipping Worker's carrier webhook secrets (a JSON object carrier → secret), to sign carrier events. */
      CARRIER_WEBHOOK_SECRETS: string;
      ORDERS_MIGRATIONS: D1Migration[];
      ORDERS_INBOX: Queue;
      USERS_INBOX: Queue;
      CATALOG_INBOX: Queue;
      VENDORS_INBOX: Queue;
      CATALOG_MIGRATIONS: D1Migration[];
      VENDORS_MIGRATIONS: D1Migration[];
      AUTH_MIGRATIONS: D1Migration[];
      USERS_MIGRATIONS: D1Migration[];
      KEY_ENCRYPTION_SECRET: string;
      /** Stand-ins for a domain Worker that is not ready (readiness.test.ts). */
      USERS_WITHOUT_DB: Fetcher;
      SLOW_WORKER: Fetcher;
    }
  }
}
