import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { CatalogRpc, QuoteLine, Readiness } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onReviewUpdated } from "./consumers/review-updated.ts";
import { onVendorApproved, onVendorProfileUpdated, onVendorSuspended } from "./consumers/vendor-events.ts";
import { reviewable } from "./services/products.ts";
import { quote } from "./services/quote.ts";
import { inventoryOf } from "./services/stock.ts";

export { Inventory } from "#do/inventory.ts";

export default class CatalogWorker extends WorkerEntrypoint<Env> implements CatalogRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "catalog", this.env);
    await consumeBatch(
      batch,
      db,
      [onVendorApproved, onVendorSuspended, onVendorProfileUpdated, onReviewUpdated],
      "catalog",
      this.env,
    );
  }

  /** The images bucket answers a HEAD of a key nobody writes: one cheap class-B operation. */
  ready(): Promise<Readiness> {
    return readiness("catalog", {
      db: () => pingD1(this.env.DB),
      images: () => this.env.IMAGES.head("readyz"),
    });
  }

  quote(lines: { sku: string; qty: number }[]): Promise<QuoteLine[]> {
    return quote(drizzle(this.env.DB), this.env.INVENTORY, lines);
  }

  reserve(sku: string, holdId: string, qty: number, ttlSeconds: number) {
    return inventoryOf(this.env.INVENTORY, sku).reserve(sku, holdId, qty, ttlSeconds);
  }

  commit(sku: string, holdId: string) {
    return inventoryOf(this.env.INVENTORY, sku).commit(sku, holdId);
  }

  release(sku: string, holdId: string) {
    return inventoryOf(this.env.INVENTORY, sku).release(sku, holdId);
  }

  restock(sku: string, holdId: string) {
    return inventoryOf(this.env.INVENTORY, sku).restock(sku, holdId);
  }

  product(productId: string) {
    return reviewable(drizzle(this.env.DB), productId);
  }
}
