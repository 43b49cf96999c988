import { and, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ShippingProfile, ShippingProfileInput } from "#lib/contracts/api/shipping.ts";
import { newId } from "#lib/contracts/ids.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { shippingProfiles } from "../db/schema.ts";

type Row = typeof shippingProfiles.$inferSelect;

const view = ({ vendorId: _vendorId, ...profile }: Row): ShippingProfile => profile;

/** The unique (vendor, currency) index decides, so two racing creations in one currency make one profile. */
async function written<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "shipping_profiles.vendor_id"))
      throw new ProblemError(409, "The store already has a shipping profile in this currency.", {
        type: "shipping-profile-exists",
      });
    throw error;
  }
}

export async function list(db: DrizzleD1Database, vendorId: string, limit: number, cursor?: string) {
  const page = keyset([shippingProfiles.id], "asc", limit, cursor);
  const rows = await db
    .select()
    .from(shippingProfiles)
    .where(and(eq(shippingProfiles.vendorId, vendorId), page.after))
    .orderBy(...page.orderBy)
    .limit(page.fetch);
  const { items, nextCursor } = page.pageOf(rows, (row) => [row.id]);
  return { items: items.map(view), nextCursor };
}

export async function get(db: DrizzleD1Database, vendorId: string, id: string): Promise<ShippingProfile> {
  const [row] = await db
    .select()
    .from(shippingProfiles)
    .where(and(eq(shippingProfiles.id, id), eq(shippingProfiles.vendorId, vendorId)));
  if (!row) throw new ProblemError(404, "No such shipping profile of this store.");
  return view(row);
}

export async function create(db: DrizzleD1Database, vendorId: string, input: ShippingProfileInput) {
  const now = new Date().toISOString();
  const row: Row = { id: newId("shippingProfile"), vendorId, ...input, createdAt: now, updatedAt: now };
  await written(() => db.insert(shippingProfiles).values(row));
  return view(row);
}

export async function replace(db: DrizzleD1Database, vendorId: string, id: string, input: ShippingProfileInput) {
  const [row] = await written(() =>
    db
      .update(shippingProfiles)
      .set({ ...input, updatedAt: new Date().toISOString() })
      .where(and(eq(shippingProfiles.id, id), eq(shippingProfiles.vendorId, vendorId)))
      .returning(),
  );
  if (!row) throw new ProblemError(404, "No such shipping profile of this store.");
  return view(row);
}

export async function remove(db: DrizzleD1Database, vendorId: string, id: string): Promise<void> {
  const removed = await db
    .delete(shippingProfiles)
    .where(and(eq(shippingProfiles.id, id), eq(shippingProfiles.vendorId, vendorId)));
  if (removed.meta.changes !== 1) throw new ProblemError(404, "No such shipping profile of this store.");
}
