import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { PaymentInfo } from "#lib/contracts/api/payments.ts";
import type { CreateIntentInput, PaymentsRpc, Readiness } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onOrderUpdated } from "./consumers/order-updated.ts";
import { refundConsumers } from "./consumers/refund-events.ts";
import { createIntent } from "./services/intents.ts";
import { settleHeldShares } from "./services/shares.ts";
import { stripeClient } from "./services/stripe.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

export default class PaymentsWorker extends WorkerEntrypoint<Env> implements PaymentsRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  createIntent(input: CreateIntentInput): Promise<PaymentInfo> {
    return createIntent(drizzle(this.env.DB), stripeClient(this.env), input);
  }

  ready(): Promise<Readiness> {
    return readiness("payments", { db: () => pingD1(this.env.DB) });
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "payments", this.env);
    const stripe = () => stripeClient(this.env);
    const consumers = [onOrderUpdated(this.env, stripe), ...refundConsumers(stripe)];
    await withOutbox(this.env, this.ctx, () => consumeBatch(batch, db, consumers, "payments", this.env));
    await withOutbox(this.env, this.ctx, () => settleHeldShares(db, stripeClient(this.env)));
  }
}
