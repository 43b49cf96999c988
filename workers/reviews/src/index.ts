import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Readiness, ReadyRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { consumers } from "./consumers/index.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

/** Its RPC interface goes in lib/contracts/rpc.ts (extending ReadyRpc) once another Worker calls it. */
export default class ReviewsWorker extends WorkerEntrypoint<Env> implements ReadyRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "reviews", this.env);
    await consumeBatch(batch, db, consumers, "reviews", this.env);
  }

  ready(): Promise<Readiness> {
    return readiness("reviews", { db: () => pingD1(this.env.DB) });
  }
}
