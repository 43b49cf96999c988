import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import CatalogWorker from "../src/index.ts";

const NOW = "2026-12-01T00:00:00.000Z";

/** A product on sale with `n` SKUs, written straight into catalog's tables. */
async function productWithSkus(id: string, docId: number, n: number): Promise<string[]> {
  const skus = Array.from({ length: n }, (_, i) => `sku_${id}_${i}`);
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO vendors (id, slug, name, status, updated_at) VALUES (?, ?, 'Quote store', 'approved', ?)",
    ).bind(`ven_${id}`, id, NOW),
    env.DB.prepare(
      `INSERT INTO products (id, doc_id, vendor_id, title, description, tags, category_id, category_path, status, currency, min_price, created_at, updated_at)
       VALUES (?, ?, ?, 'Quoted', '', '[]', 'cat_x', '/x/', 'active', 'EUR', 100, ?, ?)`,
    ).bind(id, docId, `ven_${id}`, NOW, NOW),
    ...skus.map((sku, i) =>
      env.DB.prepare(
        "INSERT INTO variants (sku, product_id, vendor_id, price, currency, attributes, weight_grams, position) VALUES (?, ?, ?, ?, 'EUR', '{}', ?, ?)",
      ).bind(sku, id, `ven_${id}`, 100 + i, i * 250, i),
    ),
  ]);
  return skus;
}

describe("quote", () => {
  it("prices more lines than D1 binds variables in one statement", async () => {
    const skus = await productWithSkus("prd_quote_many", 9001, 60);
    const lines = [...skus, ...Array.from({ length: 45 }, (_, i) => `sku_missing_${i}`)].map((sku) => ({
      sku,
      qty: 1,
    }));
    const quoted = await new CatalogWorker(createExecutionContext(), env).quote(lines);
    expect(quoted).toHaveLength(105);
    expect(quoted.slice(0, 60).map((q) => [q.sku, q.status, q.status === "unknown_sku" ? null : q.unitPrice])).toEqual(
      skus.map((sku, i) => [sku, "insufficient_stock", 100 + i]),
    );
    expect(new Set(quoted.slice(60).map((q) => q.status))).toEqual(new Set(["unknown_sku"]));
  }, 30_000);

  it("carries each variant's unit weight, 0 when the vendor gave none, for shipping rates", async () => {
    const skus = await productWithSkus("prd_quote_weight", 9002, 3);
    const quoted = await new CatalogWorker(createExecutionContext(), env).quote([
      ...skus.map((sku) => ({ sku, qty: 2 })),
      { sku: "sku_missing_weight", qty: 1 },
    ]);
    expect(quoted.map((q) => (q.status === "unknown_sku" ? null : q.weightGrams))).toEqual([0, 250, 500, null]);
  });
});
