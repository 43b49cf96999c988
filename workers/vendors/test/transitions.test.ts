import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Actor } from "#lib/contracts/actor.ts";
import type { VendorStatus } from "#lib/contracts/api/vendors.ts";
import { outbox } from "#lib/outbox/schema.ts";
import { statusHistory } from "../src/db/schema.ts";
import * as vendors from "../src/services/vendors.ts";

const db = drizzle(env.DB);
const meta = { traceId: "trace-transitions" };
const admin: Actor = { sub: "usr_admin", roles: ["customer", "admin"] };
type Decision = Parameters<typeof vendors.decide>[2];
let n = 0;

/** A vendor brought to `status` through the allowed moves. */
async function vendorIn(status: VendorStatus) {
  const owner: Actor = { sub: `usr_transitions_${++n}`, roles: ["customer"] };
  const { id } = await vendors.apply(
    db,
    owner,
    `${owner.sub}@example.com`,
    {
      name: "Store",
      slug: `transitions-${n}`,
      description: "",
    },
    1000,
    meta,
  );
  const path: Record<VendorStatus, Decision[]> = {
    pending: [],
    approved: ["approve"],
    rejected: ["reject"],
    suspended: ["approve", "suspend"],
  };
  for (const decision of path[status]) await vendors.decide(db, id, decision, {}, admin, meta);
  return id;
}

/** The events staged for this vendor, oldest first. */
async function envelopesOf(vendorId: string) {
  const rows = await db.select().from(outbox).orderBy(asc(outbox.createdAt));
  return rows
    .map((row) => row.envelope as { type: string; data?: { vendorId?: string } })
    .filter((envelope) => envelope.data?.vendorId === vendorId);
}

/** The types of the events staged for this vendor, oldest first. */
async function eventsOf(vendorId: string): Promise<string[]> {
  return (await envelopesOf(vendorId)).map((envelope) => envelope.type);
}

describe("vendor status transitions", () => {
  it.each([
    { from: "pending", decision: "approve", to: "approved", event: "vendor.approved" },
    { from: "pending", decision: "reject", to: "rejected", event: "vendor.rejected" },
    { from: "approved", decision: "suspend", to: "suspended", event: "vendor.suspended" },
    { from: "suspended", decision: "approve", to: "approved", event: "vendor.approved" },
  ] as const)("moves a $from vendor to $to on $decision", async ({ from, decision, to, event }) => {
    const id = await vendorIn(from);
    const before = await eventsOf(id);
    const vendor = await vendors.decide(db, id, decision, { reason: "checked" }, admin, meta);
    expect(vendor.status).toBe(to);
    expect((await vendors.byId(db, id)).status).toBe(to);
    const history = await db.select().from(statusHistory).where(eq(statusHistory.vendorId, id));
    expect(history.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, reason: "checked", actorId: admin.sub });
    expect(await eventsOf(id)).toEqual([...before, event]);
  });

  it("stages vendor.applied with the application, naming the applicant", async () => {
    const id = await vendorIn("pending");
    const { ownerUserId, slug } = await vendors.byId(db, id);
    expect(await eventsOf(id)).toEqual(["vendor.applied"]);
    expect(await envelopesOf(id)).toEqual([
      expect.objectContaining({ source: "vendors", data: { vendorId: id, slug, name: "Store", ownerUserId } }),
    ]);
  });

  it("stages vendor.rejected with the reason in the batch of the rejection", async () => {
    const id = await vendorIn("pending");
    await vendors.decide(db, id, "reject", { reason: "no tax id" }, admin, meta);
    expect((await envelopesOf(id)).at(-1)).toMatchObject({
      type: "vendor.rejected",
      data: { vendorId: id, reason: "no tax id" },
    });
  });

  it.each([
    { from: "pending", decision: "suspend" },
    { from: "approved", decision: "approve" },
    { from: "approved", decision: "reject" },
    { from: "rejected", decision: "approve" },
    { from: "rejected", decision: "reject" },
    { from: "rejected", decision: "suspend" },
    { from: "suspended", decision: "reject" },
    { from: "suspended", decision: "suspend" },
  ] as const)("refuses $decision of a $from vendor with 409 and changes nothing", async ({ from, decision }) => {
    const id = await vendorIn(from);
    const history = await db.select().from(statusHistory).where(eq(statusHistory.vendorId, id));
    const events = await eventsOf(id);
    await expect(vendors.decide(db, id, decision, {}, admin, meta)).rejects.toMatchObject({ status: 409 });
    expect((await vendors.byId(db, id)).status).toBe(from);
    expect(await db.select().from(statusHistory).where(eq(statusHistory.vendorId, id))).toEqual(history);
    expect(await eventsOf(id)).toEqual(events);
  });

  it("answers 404 for a decision on a vendor that does not exist", async () => {
    await expect(vendors.decide(db, "ven_nobody", "approve", {}, admin, meta)).rejects.toMatchObject({
      status: 404,
    });
  });

  it("sets the commission given with an approval and keeps it through a suspension", async () => {
    const id = await vendorIn("pending");
    await vendors.decide(db, id, "approve", { commissionBps: 1500 }, admin, meta);
    const suspended = await vendors.decide(db, id, "suspend", { reason: "chargebacks" }, admin, meta);
    expect(suspended).toMatchObject({ status: "suspended", commissionBps: 1500 });
  });

  it("shows only approved stores publicly", async () => {
    const id = await vendorIn("pending");
    const { slug } = await vendors.byId(db, id);
    await expect(vendors.publicBySlug(db, slug)).rejects.toMatchObject({ status: 404 });
    await vendors.decide(db, id, "approve", {}, admin, meta);
    expect((await vendors.publicBySlug(db, slug)).id).toBe(id);
    await vendors.decide(db, id, "suspend", {}, admin, meta);
    await expect(vendors.publicBySlug(db, slug)).rejects.toMatchObject({ status: 404 });
  });
});
