import { DurableObject } from "cloudflare:workers";

export interface CartItem {
  sku: string;
  qty: number;
}

export type CheckoutLock = { ok: true; lapsed: string | null } | { ok: false; retryAfterMs: number };

export const MAX_CART_LINES = 50;
export const MAX_LINE_QTY = 99;

/** One shopper's (or guest's) cart: SKUs and quantities; prices are looked up when the cart is read. */
export class Cart extends DurableObject<object> {
  constructor(ctx: DurableObjectState, env: object) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS lines (sku TEXT PRIMARY KEY, qty INTEGER NOT NULL, added_at INTEGER NOT NULL)",
    );
    // At most one checkout at a time: the order it is becoming, until when.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS checkout (id INTEGER PRIMARY KEY CHECK (id = 1), order_id TEXT NOT NULL, until INTEGER NOT NULL)",
    );
  }

  /** A guest cart exists only once the server issued its id; an id a client made up names no cart. */
  issue(): void {
    this.ctx.storage.kv.put("issued", true);
  }

  isIssued(): boolean {
    return this.ctx.storage.kv.get("issued") === true;
  }

  /**
   * Locks the cart for the checkout that will become `orderId`, for `ttlMs` (a
   * checkout that dies lets go by itself). Refused while another checkout holds
   * it. `lapsed` names the order of a checkout that died holding the lock: it
   * may have been placed without its lines leaving the cart.
   */
  beginCheckout(orderId: string, ttlMs: number): CheckoutLock {
    const now = Date.now();
    const [held] = this.ctx.storage.sql
      .exec<{ order_id: string; until: number }>("SELECT order_id, until FROM checkout")
      .toArray();
    if (held && held.until > now) return { ok: false, retryAfterMs: held.until - now };
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO checkout (id, order_id, until) VALUES (1, ?, ?)",
      orderId,
      now + ttlMs,
    );
    return { ok: true, lapsed: held?.order_id ?? null };
  }

  /** The order was placed: its lines leave the cart and the lock is lifted, in one step. */
  completeCheckout(orderId: string, skus: string[]): void {
    this.ctx.storage.transactionSync(() => {
      for (const sku of skus) this.remove(sku);
      this.ctx.storage.sql.exec("DELETE FROM checkout WHERE order_id = ?", orderId);
    });
  }

  /** The checkout was refused: the lock is lifted, the lines stay. */
  abortCheckout(orderId: string): void {
    this.ctx.storage.sql.exec("DELETE FROM checkout WHERE order_id = ?", orderId);
  }

  items(): CartItem[] {
    return this.ctx.storage.sql
      .exec<{ sku: string; qty: number }>("SELECT sku, qty FROM lines ORDER BY added_at, sku")
      .toArray();
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
    return (
      this.ctx.storage.sql.exec("UPDATE lines SET qty = ? WHERE sku = ?", Math.min(qty, MAX_LINE_QTY), sku)
        .rowsWritten > 0
    );
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
