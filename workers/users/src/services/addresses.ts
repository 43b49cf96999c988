import { and, count, eq, ne } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { type Address, type AddressInput, type AddressPatch, postalCodeIssue } from "#lib/contracts/api/users.ts";
import { newId } from "#lib/contracts/ids.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { addresses } from "../db/schema.ts";

export const MAX_ADDRESSES = 20;

type Row = typeof addresses.$inferSelect;

export async function listAddresses(db: DrizzleD1Database, userId: string, limit: number, cursor?: string) {
  const list = keyset([addresses.id], "asc", limit, cursor);
  const rows = await db
    .select()
    .from(addresses)
    .where(and(eq(addresses.userId, userId), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map(toAddress), nextCursor: page.nextCursor };
}

/** The first address, or one marked default, becomes the only default. */
export async function createAddress(db: DrizzleD1Database, userId: string, input: AddressInput): Promise<Address> {
  const [held] = await db.select({ n: count() }).from(addresses).where(eq(addresses.userId, userId));
  const existing = held?.n ?? 0;
  if (existing >= MAX_ADDRESSES)
    throw new ProblemError(409, `An account keeps at most ${MAX_ADDRESSES} addresses.`, { type: "limit-reached" });
  const now = new Date().toISOString();
  const row: Row = {
    id: newId("address"),
    userId,
    label: input.label ?? null,
    recipient: input.recipient,
    line1: input.line1,
    line2: input.line2 ?? null,
    city: input.city,
    region: input.region ?? null,
    postalCode: input.postalCode,
    country: input.country,
    phone: input.phone ?? null,
    isDefault: existing === 0 || input.isDefault === true,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(addresses).values(row),
    ...(row.isDefault ? [clearOtherDefaults(db, userId, row.id)] : []),
  ]);
  return toAddress(row);
}

export async function updateAddress(
  db: DrizzleD1Database,
  userId: string,
  id: string,
  patch: AddressPatch,
): Promise<Address> {
  const current = await ownAddress(db, userId, id);
  const merged: Row = { ...current, ...patch, updatedAt: new Date().toISOString() };
  const issue = postalCodeIssue(merged);
  if (issue) throw new ProblemError(400, "The request json is invalid.", { errors: [issue] });
  await db.batch([
    db
      .update(addresses)
      .set(merged)
      .where(and(eq(addresses.id, id), eq(addresses.userId, userId))),
    ...(patch.isDefault === true ? [clearOtherDefaults(db, userId, id)] : []),
  ]);
  return toAddress(merged);
}

export async function deleteAddress(db: DrizzleD1Database, userId: string, id: string): Promise<void> {
  await ownAddress(db, userId, id);
  await db.delete(addresses).where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
}

/** Another shopper's address is indistinguishable from a missing one. */
async function ownAddress(db: DrizzleD1Database, userId: string, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(addresses)
    .where(and(eq(addresses.id, id), eq(addresses.userId, userId)));
  if (!row) throw new ProblemError(404, "No such address.");
  return row;
}

/** One default address per account: marking one clears the others. */
function clearOtherDefaults(db: DrizzleD1Database, userId: string, keepId: string) {
  return db
    .update(addresses)
    .set({ isDefault: false })
    .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true), ne(addresses.id, keepId)));
}

function toAddress({ userId: _userId, ...address }: Row): Address {
  return address;
}
