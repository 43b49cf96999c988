import { DurableObject } from "cloudflare:workers";
import type { HoldResult, HoldState, ReserveResult, StockLevel } from "#lib/contracts/inventory.ts";
import { log, workerName } from "#lib/http/log.ts";

export interface InventoryEnv {
  DB: D1Database;
}

// Finished holds are kept this long so a late retry with the same holdId still gets the same answer.
const FINISHED_HOLD_RETENTION_MS = 7 * 24 * 3600_000;

/**
 * Stock of one SKU. Every method runs synchronous SQLite statements only, so
 * the object's input gate serializes them: two reservations can never both take
 * the last unit. Stock on hand and available never go negative. Every hold
 * operation is idempotent by holdId. Availability is copied to the catalog's D1
 * for listings after each change (best effort, versioned so late copies lose).
 */
export class Inventory extends DurableObject<InventoryEnv> {
  private snapshotScheduled = false;

  constructor(ctx: DurableObjectState, env: InventoryEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS stock (id INTEGER PRIMARY KEY CHECK (id = 1), sku TEXT NOT NULL, on_hand INTEGER NOT NULL CHECK (on_hand >= 0), held INTEGER NOT NULL CHECK (held >= 0), version INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS holds (hold_id TEXT PRIMARY KEY, qty INTEGER NOT NULL, state TEXT NOT NULL, expires_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS holds_live ON holds (state, expires_at);
    `);
  }

  level(sku: string): StockLevel {
    this.expireDue();
    return this.read(sku);
  }

  /** Sets stock on hand; refused below what checkouts hold. */
  setStock(
    sku: string,
    onHand: number,
  ): { ok: true; level: StockLevel } | { ok: false; reason: "below_held"; level: StockLevel } {
    this.expireDue();
    const level = this.read(sku);
    if (!Number.isInteger(onHand) || onHand < level.held) return { ok: false, reason: "below_held", level };
    this.write(sku, onHand, level.held);
    return { ok: true, level: this.read(sku) };
  }

  /** Adds or removes units (returns, damage); never below what is held. */
  adjust(
    sku: string,
    delta: number,
  ): { ok: true; level: StockLevel } | { ok: false; reason: "below_held"; level: StockLevel } {
    const level = this.level(sku);
    return this.setStock(sku, level.onHand + delta);
  }

  reserve(sku: string, holdId: string, qty: number, ttlSeconds: number): ReserveResult {
    this.expireDue();
    const existing = this.hold(holdId);
    if (existing) {
      const level = this.read(sku);
      return existing.state === "held"
        ? { ok: true, holdId, qty: existing.qty, expiresAt: existing.expires_at, level }
        : { ok: false, reason: "hold_finished", state: existing.state, level };
    }
    const level = this.read(sku);
    if (!Number.isInteger(qty) || qty <= 0 || qty > level.available)
      return { ok: false, reason: "insufficient_stock", level };
    const now = Date.now();
    const expiresAt = now + ttlSeconds * 1000;
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "INSERT INTO holds (hold_id, qty, state, expires_at, updated_at) VALUES (?, ?, 'held', ?, ?)",
        holdId,
        qty,
        expiresAt,
        now,
      );
      this.write(sku, level.onHand, level.held + qty);
    });
    this.scheduleAlarm();
    return { ok: true, holdId, qty, expiresAt, level: this.read(sku) };
  }

  /** A hold becomes a sale: the units leave stock on hand. */
  commit(sku: string, holdId: string): HoldResult {
    this.expireDue();
    const hold = this.hold(holdId);
    if (!hold) return { ok: false, reason: "unknown_hold", level: this.read(sku) };
    if (hold.state === "committed") return { ok: true, state: "committed", level: this.read(sku) };
    if (hold.state !== "held") return { ok: false, reason: "hold_finished", state: hold.state, level: this.read(sku) };
    const level = this.read(sku);
    this.ctx.storage.transactionSync(() => {
      this.finish(holdId, "committed");
      this.write(sku, level.onHand - hold.qty, level.held - hold.qty);
    });
    return { ok: true, state: "committed", level: this.read(sku) };
  }

  /**
   * Returns a hold's units. Releasing an unknown hold leaves a tombstone, so a
   * reservation that arrives after its own cancellation cannot take stock.
   */
  release(sku: string, holdId: string): HoldResult {
    this.expireDue();
    const hold = this.hold(holdId);
    if (!hold) {
      const now = Date.now();
      this.ctx.storage.sql.exec(
        "INSERT INTO holds (hold_id, qty, state, expires_at, updated_at) VALUES (?, 0, 'released', ?, ?)",
        holdId,
        now,
        now,
      );
      return { ok: true, state: "released", level: this.read(sku) };
    }
    if (hold.state === "committed")
      return { ok: false, reason: "already_committed", state: "committed", level: this.read(sku) };
    if (hold.state !== "held") return { ok: true, state: hold.state, level: this.read(sku) };
    const level = this.read(sku);
    this.ctx.storage.transactionSync(() => {
      this.finish(holdId, "released");
      this.write(sku, level.onHand, level.held - hold.qty);
    });
    return { ok: true, state: "released", level: this.read(sku) };
  }

  /** A sold hold's units come back to stock (an order cancelled after payment). Idempotent by holdId. */
  restock(sku: string, holdId: string): HoldResult {
    this.expireDue();
    const hold = this.hold(holdId);
    if (hold?.state === "returned") return { ok: true, state: "returned", level: this.read(sku) };
    if (hold?.state !== "committed")
      return { ok: false, reason: "not_committed", state: hold?.state, level: this.read(sku) };
    const level = this.read(sku);
    this.ctx.storage.transactionSync(() => {
      this.finish(holdId, "returned");
      this.write(sku, level.onHand + hold.qty, level.held);
    });
    return { ok: true, state: "returned", level: this.read(sku) };
  }

  override async alarm(): Promise<void> {
    this.expireDue();
    this.ctx.storage.sql.exec(
      "DELETE FROM holds WHERE state != 'held' AND updated_at < ?",
      Date.now() - FINISHED_HOLD_RETENTION_MS,
    );
    this.scheduleAlarm();
  }

  /** Expired holds return their units; runs before every operation and from the alarm. */
  private expireDue(): void {
    const now = Date.now();
    const due = this.ctx.storage.sql
      .exec<{ qty: number }>("SELECT qty FROM holds WHERE state = 'held' AND expires_at <= ?", now)
      .toArray();
    if (due.length === 0) return;
    const stock = this.ctx.storage.sql
      .exec<{ sku: string; on_hand: number; held: number }>("SELECT sku, on_hand, held FROM stock")
      .toArray()[0];
    if (!stock) return;
    const freed = due.reduce((sum, hold) => sum + hold.qty, 0);
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.sql.exec(
        "UPDATE holds SET state = 'expired', updated_at = ? WHERE state = 'held' AND expires_at <= ?",
        now,
        now,
      );
      this.write(stock.sku, stock.on_hand, stock.held - freed);
    });
  }

  private hold(holdId: string) {
    return this.ctx.storage.sql
      .exec<{ qty: number; state: HoldState; expires_at: number }>(
        "SELECT qty, state, expires_at FROM holds WHERE hold_id = ?",
        holdId,
      )
      .toArray()[0];
  }

  private finish(holdId: string, state: HoldState): void {
    this.ctx.storage.sql.exec(
      "UPDATE holds SET state = ?, updated_at = ? WHERE hold_id = ?",
      state,
      Date.now(),
      holdId,
    );
  }

  private read(sku: string): StockLevel {
    const row = this.ctx.storage.sql
      .exec<{ on_hand: number; held: number }>("SELECT on_hand, held FROM stock")
      .toArray()[0];
    const onHand = row?.on_hand ?? 0;
    const held = row?.held ?? 0;
    return { sku, onHand, held, available: onHand - held };
  }

  private write(sku: string, onHand: number, held: number): void {
    this.ctx.storage.sql.exec(
      `INSERT INTO stock (id, sku, on_hand, held, version) VALUES (1, ?, ?, ?, 1)
       ON CONFLICT (id) DO UPDATE SET on_hand = excluded.on_hand, held = excluded.held, version = version + 1`,
      sku,
      onHand,
      held,
    );
    this.scheduleSnapshot();
  }

  private scheduleAlarm(): void {
    const next = this.ctx.storage.sql
      .exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM holds WHERE state = 'held'")
      .toArray()[0]?.at;
    // With no live hold, come back daily to prune finished ones.
    void this.ctx.storage.setAlarm(next ?? Date.now() + 24 * 3600_000);
  }

  /** Copies availability to the catalog's D1 once the current burst of calls is over. */
  private scheduleSnapshot(): void {
    if (this.snapshotScheduled) return;
    this.snapshotScheduled = true;
    this.ctx.waitUntil(this.pushSnapshot());
  }

  private async pushSnapshot(): Promise<void> {
    await scheduler.wait(50);
    this.snapshotScheduled = false;
    const row = this.ctx.storage.sql
      .exec<{ sku: string; on_hand: number; held: number; version: number }>("SELECT * FROM stock")
      .toArray()[0];
    if (!row) return;
    const available = row.on_hand - row.held;
    try {
      await this.env.DB.batch([
        this.env.DB.prepare(
          "UPDATE variants SET available = ?, stock_version = ? WHERE sku = ? AND stock_version < ?",
        ).bind(available, row.version, row.sku, row.version),
        this.env.DB.prepare(
          "UPDATE products SET in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.available > 0) WHERE id = (SELECT product_id FROM variants WHERE sku = ?)",
        ).bind(row.sku),
      ]);
    } catch (error) {
      log("error", workerName(), { msg: "inventory snapshot failed", sku: row.sku, error: String(error) });
    }
  }
}
