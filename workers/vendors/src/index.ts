import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Membership, Readiness, VendorsRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { consumers } from "./consumers/index.ts";
import * as staff from "./services/staff.ts";
import * as vendors from "./services/vendors.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

export default class VendorsWorker extends WorkerEntrypoint<Env> implements VendorsRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "vendors", this.env);
    await consumeBatch(batch, db, consumers, "vendors", this.env);
  }

  async membership(userId: string): Promise<Membership | null> {
    const db = drizzle(this.env.DB);
    const member = await staff.membership(db, userId);
    if (!member) return null;
    const vendor = await vendors.byId(db, member.vendorId);
    return { vendorId: vendor.id, role: member.role, status: vendor.status };
  }

  ready(): Promise<Readiness> {
    return readiness("vendors", { db: () => pingD1(this.env.DB) });
  }

  async vendor(vendorId: string) {
    const vendor = await vendors.find(drizzle(this.env.DB), vendorId);
    return vendor
      ? {
          id: vendor.id,
          name: vendor.name,
          slug: vendor.slug,
          status: vendor.status,
          commissionBps: vendor.commissionBps,
          ownerUserId: vendor.ownerUserId,
        }
      : null;
  }
}
