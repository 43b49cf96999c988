import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { keyset } from "#lib/http/pagination.ts";
import { ledger, refundRequests } from "../db/schema.ts";

type Entry = typeof ledger.$inferInsert;

export function entry(db: DrizzleD1Database, values: Omit<Entry, "id" | "createdAt">) {
  return db.insert(ledger).values({ ...values, createdAt: new Date().toISOString() });
}

/** What the platform still owes the vendor for one sub-order: the sum of its ledger. */
export async function owedFor(db: DrizzleD1Database, subOrderId: string): Promise<number> {
  const [row] = await db
    .select({ owed: sql<number>`COALESCE(SUM(${ledger.amount}), 0)` })
    .from(ledger)
    .where(eq(ledger.subOrderId, subOrderId));
  return row?.owed ?? 0;
}

/** The vendor's parts of refunds of the sub-order reserved but not yet recorded. */
export async function pendingVendorParts(db: DrizzleD1Database, subOrderId: string): Promise<number> {
  const [row] = await db
    .select({ parts: sql<number>`COALESCE(SUM(${refundRequests.vendorPart}), 0)` })
    .from(refundRequests)
    .where(and(eq(refundRequests.subOrderId, subOrderId), eq(refundRequests.status, "pending")));
  return row?.parts ?? 0;
}

export async function vendorLedger(db: DrizzleD1Database, vendorId: string, limit: number, cursor?: string) {
  const list = keyset([ledger.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(ledger)
    .where(and(eq(ledger.vendorId, vendorId), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  const balances = await db
    .select({ currency: ledger.currency, owed: sql<number>`SUM(${ledger.amount})` })
    .from(ledger)
    .where(eq(ledger.vendorId, vendorId))
    .groupBy(ledger.currency);
  const items = page.items.map(({ vendorId: _vendorId, ...rest }) => rest);
  return { items, nextCursor: page.nextCursor, balances };
}
