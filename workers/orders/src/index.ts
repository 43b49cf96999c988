import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { OrdersRpc, Readiness } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onOrderUpdated } from "./consumers/order-updated.ts";
import { paymentConsumers } from "./consumers/payment-events.ts";
import { shipmentConsumer } from "./consumers/shipment-updated.ts";
import { hasPurchased } from "./services/projection.ts";

export { Cart } from "#do/cart.ts";
export { Order } from "#do/order.ts";

export default class OrdersWorker extends WorkerEntrypoint<Env> implements OrdersRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "orders", this.env);
    const consumers = [onOrderUpdated, ...paymentConsumers(this.env.ORDER), shipmentConsumer(this.env.ORDER)];
    await consumeBatch(batch, db, consumers, "orders", this.env);
  }

  ready(): Promise<Readiness> {
    return readiness("orders", { db: () => pingD1(this.env.DB) });
  }

  hasPurchased(userId: string, productId: string): Promise<boolean> {
    return hasPurchased(drizzle(this.env.DB), userId, productId);
  }
}
