import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ModeratedReview, Review } from "#lib/contracts/api/reviews.ts";
import { ReviewUpdated } from "#lib/contracts/events/reviews.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { reviews } from "../db/schema.ts";

export type Row = typeof reviews.$inferSelect;
export type Meta = { traceId: string };

export async function find(db: DrizzleD1Database, id: string): Promise<Row | undefined> {
  const [row] = await db.select().from(reviews).where(eq(reviews.id, id));
  return row;
}

/**
 * Writes the next state of a review and stages its review.updated in one batch.
 * An update only applies to the version read: if another change got there first,
 * the CASE yields NULL, the NOT NULL constraint fails and nothing (event included) is written.
 */
export async function commit(
  db: DrizzleD1Database,
  current: Row | undefined,
  next: Row,
  meta: Meta,
  extra: BatchItem<"sqlite">[] = [],
): Promise<void> {
  const write = current
    ? db
        .update(reviews)
        .set({
          ...next,
          version: sql`CASE WHEN ${reviews.version} = ${current.version} THEN ${next.version} ELSE NULL END`,
        })
        .where(eq(reviews.id, current.id))
    : db.insert(reviews).values(next);
  const event = buildEvent(
    ReviewUpdated,
    { version: next.version, review: snapshotOf(next) },
    { source: "reviews", ...meta },
  );
  try {
    await db.batch([write, ...extra, stageEvent(db, event)]);
  } catch (error) {
    if (isConstraintViolation(error, "NOT NULL", "reviews.version"))
      throw new ProblemError(409, "The review changed meanwhile; reload and retry.", { type: "edit-conflict" });
    if (isConstraintViolation(error, "UNIQUE", "reviews.user_id"))
      throw new ProblemError(409, "You already reviewed this product.", { type: "review-exists" });
    throw error;
  }
}

/** The next state after a change: a version up, stamped now. */
export function changed(row: Row, patch: Partial<Row>): Row {
  return { ...row, ...patch, version: row.version + 1, updatedAt: new Date().toISOString() };
}

function snapshotOf(row: Row) {
  return {
    id: row.id,
    productId: row.productId,
    vendorId: row.vendorId,
    userId: row.userId,
    rating: row.rating,
    title: row.title,
    visible: row.status === "visible",
    reply: replyOf(row),
    createdAt: row.createdAt,
  };
}

function replyOf(row: Row) {
  return row.replyBody !== null && row.replyAt !== null ? { body: row.replyBody, at: row.replyAt } : null;
}

export function toReview(row: Row): Review {
  return {
    id: row.id,
    productId: row.productId,
    rating: row.rating,
    title: row.title,
    body: row.body,
    authorName: row.authorName,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    reply: replyOf(row),
  };
}

export function toModerated(row: Row): ModeratedReview {
  return { ...toReview(row), status: row.status, reportCount: row.reportCount, hiddenReason: row.hiddenReason };
}
