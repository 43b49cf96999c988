import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Actor } from "#lib/contracts/actor.ts";
import type { Vendor, VendorStatus } from "#lib/contracts/api/vendors.ts";
import {
  VendorApplied,
  VendorApproved,
  VendorProfileUpdated,
  VendorRejected,
  VendorSuspended,
} from "#lib/contracts/events/vendors.ts";
import { newId } from "#lib/contracts/ids.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { staff, statusHistory, vendors } from "../db/schema.ts";

type Row = typeof vendors.$inferSelect;
type Meta = { traceId: string };

export async function apply(
  db: DrizzleD1Database,
  actor: Actor,
  email: string,
  input: { name: string; slug: string; description: string },
  defaultCommissionBps: number,
  meta: Meta,
): Promise<Vendor> {
  const [member] = await db.select().from(staff).where(eq(staff.userId, actor.sub));
  if (member) throw new ProblemError(409, "You already belong to a vendor.", { type: "already-vendor-member" });
  const [taken] = await db.select({ id: vendors.id }).from(vendors).where(eq(vendors.slug, input.slug));
  if (taken)
    throw new ProblemError(409, "That store slug is taken.", {
      type: "slug-taken",
      errors: [{ path: "slug", message: "Taken." }],
    });
  const now = new Date().toISOString();
  const row: Row = {
    id: newId("vendor"),
    ...input,
    status: "pending",
    ownerUserId: actor.sub,
    commissionBps: defaultCommissionBps,
    stripeAccountId: null,
    ratingAvg: 0,
    ratingCount: 0,
    createdAt: now,
    updatedAt: now,
  };
  const event = buildEvent(
    VendorApplied,
    { vendorId: row.id, slug: row.slug, name: row.name, ownerUserId: actor.sub },
    { source: "vendors", ...meta },
  );
  try {
    await db.batch([
      db.insert(vendors).values(row),
      db.insert(staff).values({ userId: actor.sub, vendorId: row.id, email, role: "owner", addedAt: now }),
      db
        .insert(statusHistory)
        .values({ vendorId: row.id, fromStatus: null, toStatus: "pending", actorId: actor.sub, at: now }),
      stageEvent(db, event),
    ]);
  } catch (error) {
    // Another application got past the look-ups above at the same moment.
    if (isConstraintViolation(error, "UNIQUE", "vendors.slug")) {
      throw new ProblemError(409, "That store slug is taken.", {
        type: "slug-taken",
        errors: [{ path: "slug", message: "Taken." }],
      });
    }
    if (isConstraintViolation(error, "UNIQUE", "vendor_staff.user_id"))
      throw new ProblemError(409, "You already belong to a vendor.", { type: "already-vendor-member" });
    throw error;
  }
  return toVendor(row);
}

export async function find(db: DrizzleD1Database, id: string): Promise<Row | undefined> {
  const [row] = await db.select().from(vendors).where(eq(vendors.id, id));
  return row;
}

export async function byId(db: DrizzleD1Database, id: string): Promise<Row> {
  const row = await find(db, id);
  if (!row) throw new ProblemError(404, "No such vendor.");
  return row;
}

export async function publicBySlug(db: DrizzleD1Database, slug: string) {
  const [row] = await db
    .select()
    .from(vendors)
    .where(and(eq(vendors.slug, slug), eq(vendors.status, "approved")));
  if (!row) throw new ProblemError(404, "No such store.");
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt,
    rating: row.ratingAvg,
    ratingCount: row.ratingCount,
  };
}

export async function ofMember(db: DrizzleD1Database, userId: string): Promise<Row> {
  const [member] = await db.select().from(staff).where(eq(staff.userId, userId));
  if (!member) throw new ProblemError(404, "You belong to no vendor.");
  return byId(db, member.vendorId);
}

export async function updateProfile(
  db: DrizzleD1Database,
  vendorId: string,
  patch: { name?: string; description?: string },
  meta: Meta,
) {
  const current = await byId(db, vendorId);
  const next: Row = { ...current, ...patch, updatedAt: new Date().toISOString() };
  const event = buildEvent(
    VendorProfileUpdated,
    { vendorId, slug: next.slug, name: next.name },
    { source: "vendors", ...meta },
  );
  await db.batch([db.update(vendors).set(next).where(eq(vendors.id, vendorId)), stageEvent(db, event)]);
  return toVendor(next);
}

export async function list(db: DrizzleD1Database, status: VendorStatus | undefined, limit: number, cursor?: string) {
  const list = keyset([vendors.id], "asc", limit, cursor);
  const rows = await db
    .select()
    .from(vendors)
    .where(and(status ? eq(vendors.status, status) : undefined, list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map(toVendor), nextCursor: page.nextCursor };
}

type Decision = "approve" | "reject" | "suspend";

/** The only moves a vendor's status can make; anything else is a 409. */
const TRANSITIONS: Record<Decision, { from: VendorStatus[]; to: VendorStatus }> = {
  approve: { from: ["pending", "suspended"], to: "approved" },
  reject: { from: ["pending"], to: "rejected" },
  suspend: { from: ["approved"], to: "suspended" },
};

export async function decide(
  db: DrizzleD1Database,
  vendorId: string,
  decision: Decision,
  input: { reason?: string; commissionBps?: number },
  actor: Actor,
  meta: Meta,
): Promise<Vendor> {
  const current = await byId(db, vendorId);
  const { from, to } = TRANSITIONS[decision];
  if (!from.includes(current.status))
    throw new ProblemError(409, `A ${current.status} vendor cannot be moved to ${to}.`, {
      type: "vendor-transition-refused",
    });
  const now = new Date().toISOString();
  const next: Row = {
    ...current,
    status: to,
    commissionBps: input.commissionBps ?? current.commissionBps,
    updatedAt: now,
  };
  const source = { source: "vendors", ...meta };
  const event =
    to === "approved"
      ? buildEvent(
          VendorApproved,
          { vendorId, slug: next.slug, name: next.name, commissionBps: next.commissionBps },
          source,
        )
      : to === "suspended"
        ? buildEvent(VendorSuspended, { vendorId, reason: input.reason }, source)
        : buildEvent(VendorRejected, { vendorId, reason: input.reason }, source);
  // The status must still be the one read above: if another decision got there
  // first, the CASE yields NULL, the NOT NULL constraint fails and the whole batch
  // (history and event included) rolls back.
  const guardedStatus = sql`CASE WHEN ${vendors.status} = ${current.status} THEN ${to} ELSE NULL END`;
  const update = db
    .update(vendors)
    .set({ status: guardedStatus, commissionBps: next.commissionBps, updatedAt: now })
    .where(eq(vendors.id, vendorId));
  const history = db.insert(statusHistory).values({
    vendorId,
    fromStatus: current.status,
    toStatus: to,
    reason: input.reason ?? null,
    actorId: actor.sub,
    at: now,
  });
  try {
    await db.batch([update, history, stageEvent(db, event)]);
  } catch (error) {
    if (isConstraintViolation(error, "NOT NULL", "vendors.status")) {
      throw new ProblemError(409, "The vendor changed meanwhile; reload and retry.", { type: "edit-conflict" });
    }
    throw error;
  }
  return toVendor(next);
}

export function toVendor(row: Row): Vendor {
  const { stripeAccountId: _account, ratingAvg, ...vendor } = row;
  return { ...vendor, rating: ratingAvg };
}
