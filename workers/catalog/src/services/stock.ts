import type { Inventory } from "#do/inventory.ts";
import type { StockLevel } from "#lib/contracts/inventory.ts";

/** The Inventory Durable Object that owns a SKU's stock. */
export function inventoryOf(ns: DurableObjectNamespace<Inventory>, sku: string) {
  return ns.get(ns.idFromName(sku));
}

/** Live levels of many SKUs, read from their Durable Objects in parallel. */
export async function liveLevels(
  ns: DurableObjectNamespace<Inventory>,
  skus: string[],
): Promise<Map<string, StockLevel>> {
  const levels = await Promise.all(skus.map((sku) => inventoryOf(ns, sku).level(sku)));
  return new Map(levels.map((level) => [level.sku, level]));
}
