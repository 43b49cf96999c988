import { and, eq, gt, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { RatingSummary, ReviewSort } from "#lib/contracts/api/reviews.ts";
import { keyset } from "#lib/http/pagination.ts";
import { reviews } from "../db/schema.ts";
import { toModerated, toReview } from "./store.ts";

const SORTS = {
  newest: { columns: [reviews.id], dir: "desc" },
  rating_desc: { columns: [reviews.rating, reviews.id], dir: "desc" },
  rating_asc: { columns: [reviews.rating, reviews.id], dir: "asc" },
} as const;

export async function ofProduct(
  db: DrizzleD1Database,
  productId: string,
  sort: ReviewSort,
  limit: number,
  cursor?: string,
) {
  const { columns, dir } = SORTS[sort];
  const list = keyset([...columns], dir, limit, cursor);
  const visible = and(eq(reviews.productId, productId), eq(reviews.status, "visible"));
  const [rows, summary] = await Promise.all([
    db
      .select()
      .from(reviews)
      .where(and(visible, list.after))
      .orderBy(...list.orderBy)
      .limit(list.fetch),
    summaryOf(db, productId),
  ]);
  const page = list.pageOf(rows, (row) => (sort === "newest" ? [row.id] : [row.rating, row.id]));
  return { items: page.items.map(toReview), nextCursor: page.nextCursor, summary };
}

async function summaryOf(db: DrizzleD1Database, productId: string): Promise<RatingSummary> {
  const rows = await db
    .select({ rating: reviews.rating, n: sql<number>`COUNT(*)` })
    .from(reviews)
    .where(and(eq(reviews.productId, productId), eq(reviews.status, "visible")))
    .groupBy(reviews.rating);
  const histogram = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const { rating, n } of rows) histogram[rating as keyof typeof histogram] = n;
  const count = rows.reduce((sum, row) => sum + row.n, 0);
  const total = rows.reduce((sum, row) => sum + row.rating * row.n, 0);
  return { rating: count ? Math.round((total / count) * 100) / 100 : 0, count, histogram };
}

export async function ofVendor(db: DrizzleD1Database, vendorId: string, limit: number, cursor?: string) {
  const list = keyset([reviews.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(reviews)
    .where(and(eq(reviews.vendorId, vendorId), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: page.items.map(toModerated), nextCursor: page.nextCursor };
}

/** `reported`: visible reviews with reports, most reported first; `hidden` and `visible`: newest first. */
export async function forModeration(
  db: DrizzleD1Database,
  status: "reported" | "hidden" | "visible",
  limit: number,
  cursor?: string,
) {
  const reported = status === "reported";
  const list = keyset(reported ? [reviews.reportCount, reviews.id] : [reviews.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(reviews)
    .where(
      and(
        eq(reviews.status, reported ? "visible" : status),
        reported ? gt(reviews.reportCount, 0) : undefined,
        list.after,
      ),
    )
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => (reported ? [row.reportCount, row.id] : [row.id]));
  return { items: page.items.map(toModerated), nextCursor: page.nextCursor };
}
