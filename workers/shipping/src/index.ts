import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Readiness, ShippingParcel, ShippingQuote, ShippingRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { consumers } from "./consumers/index.ts";
import { quote } from "./services/rates.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

export default class ShippingWorker extends WorkerEntrypoint<Env> implements ShippingRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  quote(input: { country: string; parcels: ShippingParcel[] }): Promise<ShippingQuote[]> {
    return quote(drizzle(this.env.DB), input);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "shipping", this.env);
    await withOutbox(this.env, this.ctx, () => consumeBatch(batch, db, consumers, "shipping", this.env));
  }

  ready(): Promise<Readiness> {
    return readiness("shipping", { db: () => pingD1(this.env.DB) });
  }
}
