import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { armDeliveryRelay, deliveryRelay } from "#do/delivery-relay.ts";
import type { Readiness, ReadyRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { consumers } from "./consumers/index.ts";
import { sendDue } from "./services/deliveries.ts";
import { emailSender } from "./services/email.ts";
import { templates } from "./services/templates.ts";

/** Sends the emails that are due; the queue handler after each batch, and the relay's alarm after a crash. */
function flushDeliveries(env: Env): Promise<number | null> {
  return sendDue(drizzle(env.DB), {
    sender: emailSender(env),
    from: env.EMAIL_FROM,
    retryBaseSeconds: env.EMAIL_RETRY_BASE_SECONDS,
  });
}

export const DeliveryRelay = deliveryRelay<Env>(flushDeliveries);
export type DeliveryRelay = InstanceType<typeof DeliveryRelay>;

import { deliverWebhooks } from "./webhooks/deliver.ts";
import { armWebhookSweeper, dispatchPending } from "./webhooks/dispatch.ts";

export { WebhookSweeper } from "#do/webhook-sweeper.ts";

export default class NotificationsWorker extends WorkerEntrypoint<Env> implements ReadyRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  /** Each batch records its notifications and pending emails in D1, then sends them once that committed. */
  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (batch.queue === "vendor-webhooks") return deliverWebhooks(batch, this.env);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "notifications", this.env);
    // Consumers record emails and webhook deliveries; both relays are armed first, and both are sent once committed.
    await armDeliveryRelay(this.env.DELIVERY_RELAY);
    await armWebhookSweeper(this.env);
    const ctx = { env: this.env, t: templates(this.env.PUBLIC_URL) };
    await consumeBatch(batch, db, consumers(ctx), "notifications", this.env);
    await Promise.all([flushDeliveries(this.env), dispatchPending(this.env, db)]);
  }

  ready(): Promise<Readiness> {
    return readiness("notifications", { db: () => pingD1(this.env.DB) });
  }
}
