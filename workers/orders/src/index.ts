import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { OrdersRpc } from "#lib/contracts/rpc.ts";
import { setLogLevel } from "#lib/http/log.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onOrderUpdated } from "./consumers/order-updated.ts";
import { paymentConsumers } from "./consumers/payment-events.ts";
import { hasPurchased } from "./services/projection.ts";

export { Cart } from "#do/cart.ts";
export { Order } from "#do/order.ts";

export default class OrdersWorker extends WorkerEntrypoint<Env> implements OrdersRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    setLogLevel(this.env.LOG_LEVEL);
    const db = drizzle(this.env.DB);
    const options = { retryBaseSeconds: this.env.QUEUE_RETRY_BASE_SECONDS };
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "orders", options);
    await consumeBatch(batch, db, [onOrderUpdated, ...paymentConsumers(this.env.ORDER)], "orders", options);
  }

  hasPurchased(userId: string, productId: string): Promise<boolean> {
    return hasPurchased(drizzle(this.env.DB), userId, productId);
  }
}
