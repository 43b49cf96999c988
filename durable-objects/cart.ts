import { DurableObject } from "cloudflare:workers";

export interface CartItem {
  sku: string;
  qty: number;
}

export const MAX_CART_LINES = 50;
export const MAX_LINE_QTY = 99;

/** One shopper's (or guest's) cart: SKUs and quantities; prices are looked up when the cart is read. */
export class Cart extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS lines (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL, added_at INTEGER NOT NULL)");
  }

  items(): CartItem[] {
    return this.ctx.storage.sql.exec<{ sku: string; qty: number }>("SELECT sku, qty FROM lines ORDER BY added_at, sku").toArray();
  }

  /** Adds units (capped at MAX_LINE_QTY); false when the cart already has MAX_CART_LINES other lines. */
  add(sku: string, qty: number): boolean {
    const exists = this.ctx.storage.sql.exec("SELECT 1 FROM lines WHERE sku = ?", sku).toArray().length > 0;
    if (!exists && this.items().length >= MAX_CART_LINES) return false;
    this.ctx.storage.sql.exec(
      "INSERT INTO lines (sku, qty, added_at) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE SET qty = MIN(qty + excluded.qty, ?)",
      sku,
      Math.min(qty, MAX_LINE_QTY),
      Date.now(),
      MAX_LINE_QTY,
    );
    return true;
  }

  /** Sets a line's quantity; false when the SKU is not in the cart. */
  set(sku: string, qty: number): boolean {
    return this.ctx.storage.sql.exec("UPDATE lines SET qty = ? WHERE sku = ?", Math.min(qty, MAX_LINE_QTY), sku).rowsWritten > 0;
  }

  remove(sku: string): void {
    this.ctx.storage.sql.exec("DELETE FROM lines WHERE sku = ?", sku);
  }

  /** Moves another cart's lines in (a guest cart at sign-in), adding quantities of shared SKUs. */
  merge(items: CartItem[]): void {
    for (const item of items) this.add(item.sku, item.qty);
  }

  /** Removes the given lines (those just ordered), or all. */
  clear(skus?: string[]): void {
    if (!skus) this.ctx.storage.sql.exec("DELETE FROM lines");
    else for (const sku of skus) this.remove(sku);
  }
}
