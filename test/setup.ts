import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.AUTH_DB, env.AUTH_MIGRATIONS);
await applyD1Migrations(env.USERS_DB, env.USERS_MIGRATIONS);
await applyD1Migrations(env.VENDORS_DB, env.VENDORS_MIGRATIONS);
await applyD1Migrations(env.CATALOG_DB, env.CATALOG_MIGRATIONS);
await applyD1Migrations(env.ORDERS_DB, env.ORDERS_MIGRATIONS);
await applyD1Migrations(env.PAYMENTS_DB, env.PAYMENTS_MIGRATIONS);
await applyD1Migrations(env.SHIPPING_DB, env.SHIPPING_MIGRATIONS);
await applyD1Migrations(env.NOTIFICATIONS_DB, env.NOTIFICATIONS_MIGRATIONS);
await applyD1Migrations(env.REVIEWS_DB, env.REVIEWS_MIGRATIONS);
