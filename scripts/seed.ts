// Seeds the running local marketplace (`npm run seed`; `npm run dev` calls it).
// Safe to run again: the admin is made once, the demo stores only into an empty catalog.
import { ApiClient } from "./api-client.ts";
import { DEMO_CATEGORIES, DEMO_VENDOR_PASSWORD, DEMO_VENDORS } from "./demo-data.ts";
import { solidPng } from "./png.ts";
import { run } from "./run.ts";
import { ROOT, STATE_DIR } from "./workers.ts";

const api = new ApiClient(process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? "8787"}`);
// Local-only defaults, documented in the README; never used outside `wrangler dev`.
const adminEmail = (process.env.SEED_ADMIN_EMAIL ?? "admin@marketplace.local").toLowerCase();
const adminPassword = process.env.SEED_ADMIN_PASSWORD ?? "local-admin-password";

await api.expect([201, 409], "POST", "/api/v1/auth/register", {
  json: { email: adminEmail, password: adminPassword, name: "Marketplace Admin" },
});
// The public API never grants admin; the seed writes the role straight into auth's local database.
const promote = `UPDATE users SET roles = '["customer","admin"]' WHERE email = '${adminEmail.replace(/'/g, "''")}'`;
await run(
  "wrangler",
  [
    "d1",
    "execute",
    "DB",
    "--local",
    "-c",
    `${ROOT}workers/auth/wrangler.toml`,
    "--persist-to",
    STATE_DIR,
    "--command",
    promote,
  ],
  {
    quiet: true,
  },
);
const admin = await api.login(adminEmail, adminPassword);
console.log(`admin: ${adminEmail} / ${adminPassword}`);

const { items: existing } = await api.expect<{ items: { slug: string; id: string }[] }>(
  200,
  "GET",
  "/api/v1/categories",
);
if (existing.length > 0) {
  console.log("demo stores: already seeded");
} else {
  await seedDemoStores();
}

async function seedDemoStores(): Promise<void> {
  const categoryIds = new Map<string, string>();
  for (const category of DEMO_CATEGORIES) {
    const parentId = category.parent ? categoryIds.get(category.parent) : undefined;
    const created = await api.expect<{ id: string }>(201, "POST", "/api/v1/admin/categories", {
      token: admin,
      json: { name: category.name, slug: category.slug, parentId },
    });
    categoryIds.set(category.slug, created.id);
  }
  for (const vendor of DEMO_VENDORS) {
    const email = `${vendor.slug}@marketplace.local`;
    const owner = await api.account(email, DEMO_VENDOR_PASSWORD, vendor.name);
    const store = await api.expect<{ id: string }>(201, "POST", "/api/v1/vendors", {
      token: owner,
      json: { name: vendor.name, slug: vendor.slug, description: vendor.description },
    });
    await api.expect(200, "POST", `/api/v1/admin/vendors/${store.id}/approve`, { token: admin, json: {} });
    const staff = await api.login(email, DEMO_VENDOR_PASSWORD);
    await api.expect(201, "POST", "/api/v1/vendor/shipping-profiles", {
      token: staff,
      json: { name: "Standard", currency: "EUR", zones: vendor.shipping },
    });
    for (const product of vendor.products) {
      const created = await api.expect<{ id: string; variants: { sku: string }[] }>(
        201,
        "POST",
        "/api/v1/vendor/products",
        {
          token: staff,
          json: {
            title: product.title,
            description: product.description,
            tags: product.tags,
            categoryId: categoryIds.get(product.category),
            currency: "EUR",
            variants: product.variants,
          },
        },
      );
      await api.expect(201, "POST", `/api/v1/vendor/products/${created.id}/images`, {
        token: staff,
        body: solidPng(240, 240, product.colour),
        contentType: "image/png",
      });
      for (const { sku } of created.variants) {
        await api.expect(200, "PUT", `/api/v1/vendor/inventory/${sku}`, {
          token: staff,
          json: { onHand: product.stock },
        });
      }
      await api.expect(200, "POST", `/api/v1/vendor/products/${created.id}/publish`, { token: staff });
    }
    console.log(`demo store: ${vendor.name} (${email} / ${DEMO_VENDOR_PASSWORD}), ${vendor.products.length} products`);
  }
}
