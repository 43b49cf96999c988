import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Inventory } from "#do/inventory.ts";
import type { QuoteLine } from "#lib/contracts/rpc.ts";
import { variantsBySku } from "./products.ts";
import { liveLevels } from "./stock.ts";

/** Current price, currency, vendor and live availability of each SKU, for carts and checkout. */
export async function quote(
  db: DrizzleD1Database,
  inventory: DurableObjectNamespace<Inventory>,
  lines: { sku: string; qty: number }[],
): Promise<QuoteLine[]> {
  const skus = [...new Set(lines.map((line) => line.sku))];
  const [rows, levels] = await Promise.all([variantsBySku(db, skus), liveLevels(inventory, skus)]);
  const bySku = new Map(rows.map((row) => [row.variant.sku, row]));
  return lines.map(({ sku, qty }) => {
    const row = bySku.get(sku);
    if (!row) return { sku, qty, status: "unknown_sku" as const };
    const available = levels.get(sku)?.available ?? 0;
    const onSale = row.productStatus === "active" && row.vendorStatus === "approved";
    return {
      sku,
      qty,
      status: !onSale ? ("not_on_sale" as const) : available < qty ? ("insufficient_stock" as const) : ("ok" as const),
      productId: row.variant.productId,
      vendorId: row.variant.vendorId,
      title: row.title,
      attributes: row.variant.attributes,
      unitPrice: row.variant.price,
      currency: row.variant.currency,
      weightGrams: row.variant.weightGrams,
      available,
    };
  });
}
