import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Membership, VendorsRpc } from "#lib/contracts/rpc.ts";
import { app } from "./app.ts";
import * as staff from "./services/staff.ts";
import * as vendors from "./services/vendors.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

export default class VendorsWorker extends WorkerEntrypoint<Env> implements VendorsRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  async membership(userId: string): Promise<Membership | null> {
    const db = drizzle(this.env.DB);
    const member = await staff.membership(db, userId);
    if (!member) return null;
    const vendor = await vendors.byId(db, member.vendorId);
    return { vendorId: vendor.id, role: member.role, status: vendor.status };
  }

  async vendor(vendorId: string) {
    const vendor = await vendors.find(drizzle(this.env.DB), vendorId);
    return vendor
      ? { id: vendor.id, name: vendor.name, status: vendor.status, commissionBps: vendor.commissionBps }
      : null;
  }
}
