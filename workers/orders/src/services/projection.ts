import { and, eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Order, SubOrderStatus } from "#lib/contracts/api/orders.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { orders, subOrders } from "../db/schema.ts";

/** Upserts of the read model from one order.updated; a lower version never overwrites a higher one. */
export function projectOrder(db: DrizzleD1Database, userId: string, version: number, order: Order) {
  const orderRow = { id: order.id, userId, status: order.status, version, snapshot: order, createdAt: order.createdAt };
  return [
    db
      .insert(orders)
      .values(orderRow)
      .onConflictDoUpdate({
        target: orders.id,
        set: { status: order.status, version, snapshot: order },
        setWhere: sql`${orders.version} < excluded.version`,
      }),
    ...order.subOrders.map((sub) =>
      db
        .insert(subOrders)
        .values({
          id: sub.id,
          orderId: order.id,
          vendorId: sub.vendorId,
          status: sub.status,
          version,
          snapshot: sub,
          shippingAddress: order.shippingAddress,
          createdAt: order.createdAt,
        })
        .onConflictDoUpdate({
          target: subOrders.id,
          set: { status: sub.status, version, snapshot: sub },
          setWhere: sql`${subOrders.version} < excluded.version`,
        }),
    ),
  ];
}

export async function listOrders(db: DrizzleD1Database, userId: string, limit: number, cursor?: string) {
  const list = keyset([orders.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(orders)
    .where(and(eq(orders.userId, userId), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map((row) => row.snapshot), nextCursor: page.nextCursor };
}

type SubOrderRow = typeof subOrders.$inferSelect;

export function toVendorOrder(row: Pick<SubOrderRow, "orderId" | "shippingAddress" | "createdAt" | "snapshot">) {
  return { ...row.snapshot, orderId: row.orderId, shippingAddress: row.shippingAddress, createdAt: row.createdAt };
}

export async function listVendorOrders(
  db: DrizzleD1Database,
  vendorId: string,
  status: SubOrderStatus | undefined,
  limit: number,
  cursor?: string,
) {
  const list = keyset([subOrders.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(subOrders)
    .where(and(eq(subOrders.vendorId, vendorId), status ? eq(subOrders.status, status) : undefined, list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map(toVendorOrder), nextCursor: page.nextCursor };
}

/** A sub-order of the caller's store; another store's is indistinguishable from a missing one. */
export async function ownSubOrder(db: DrizzleD1Database, vendorId: string, id: string): Promise<SubOrderRow> {
  const [row] = await db
    .select()
    .from(subOrders)
    .where(and(eq(subOrders.id, id), eq(subOrders.vendorId, vendorId)));
  if (!row) throw new ProblemError(404, "No such order for your store.");
  return row;
}

/** A verified purchase: a delivered sub-order of one of the user's orders with a line of the product. */
export async function hasPurchased(db: DrizzleD1Database, userId: string, productId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: subOrders.id })
    .from(subOrders)
    .innerJoin(orders, eq(orders.id, subOrders.orderId))
    .where(
      and(
        eq(orders.userId, userId),
        eq(subOrders.status, "delivered"),
        sql`EXISTS (SELECT 1 FROM json_each(${subOrders.snapshot}, '$.lines') WHERE json_extract(value, '$.productId') = ${productId})`,
      ),
    )
    .limit(1);
  return row !== undefined;
}
