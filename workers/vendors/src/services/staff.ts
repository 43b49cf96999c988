import { and, asc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { StaffMember } from "#lib/contracts/api/vendors.ts";
import type { ProfileSummary } from "#lib/contracts/rpc.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { staff } from "../db/schema.ts";

export async function list(db: DrizzleD1Database, vendorId: string): Promise<StaffMember[]> {
  const rows = await db.select().from(staff).where(eq(staff.vendorId, vendorId)).orderBy(asc(staff.addedAt));
  return rows.map(({ vendorId: _vendorId, ...member }) => member);
}

export async function requireOwner(db: DrizzleD1Database, vendorId: string, userId: string): Promise<void> {
  const [member] = await db
    .select()
    .from(staff)
    .where(and(eq(staff.userId, userId), eq(staff.vendorId, vendorId)));
  if (member?.role !== "owner")
    throw new ProblemError(403, "Only the store's owner manages staff.", { type: "not-store-owner" });
}

export async function add(db: DrizzleD1Database, vendorId: string, user: ProfileSummary): Promise<StaffMember> {
  const member: StaffMember = { userId: user.id, email: user.email, role: "staff", addedAt: new Date().toISOString() };
  try {
    await db.insert(staff).values({ ...member, vendorId });
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "vendor_staff.user_id"))
      throw new ProblemError(409, "That user already belongs to a vendor.", { type: "already-vendor-member" });
    throw error;
  }
  return member;
}

export async function remove(db: DrizzleD1Database, vendorId: string, userId: string): Promise<void> {
  const removed = await db
    .delete(staff)
    .where(and(eq(staff.vendorId, vendorId), eq(staff.userId, userId), eq(staff.role, "staff")));
  if (removed.meta.changes !== 1) throw new ProblemError(404, "Not a staff member of this store.");
}

export async function membership(db: DrizzleD1Database, userId: string) {
  const [member] = await db.select().from(staff).where(eq(staff.userId, userId));
  return member;
}
