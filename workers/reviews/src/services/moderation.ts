import { eq, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ModeratedReview } from "#lib/contracts/api/reviews.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { reports, reviews } from "../db/schema.ts";
import { changed, commit, find, type Meta, toModerated } from "./store.ts";

/** The store answers a review of one of its products, once; another store's review is a 404. */
export async function reply(
  db: DrizzleD1Database,
  vendorId: string,
  id: string,
  body: string,
  meta: Meta,
): Promise<ModeratedReview> {
  const current = await find(db, id);
  if (!current || current.vendorId !== vendorId) throw new ProblemError(404, "No such review of your products.");
  if (current.replyBody !== null)
    throw new ProblemError(409, "Your store already answered this review.", { type: "reply-exists" });
  const next = changed(current, { replyBody: body, replyAt: new Date().toISOString() });
  await commit(db, current, next, meta);
  return toModerated(next);
}

/**
 * Records one report per user and review, and recounts the review's reports in the same batch.
 * Reports change no field other domains see, so they raise no event and keep the version.
 */
export async function report(db: DrizzleD1Database, userId: string, id: string, reason: string): Promise<void> {
  const current = await find(db, id);
  if (current?.status !== "visible") throw new ProblemError(404, "No such review.");
  await db.batch([
    db
      .insert(reports)
      .values({ reviewId: id, userId, reason, createdAt: new Date().toISOString() })
      .onConflictDoNothing(),
    db
      .update(reviews)
      .set({ reportCount: sql`(SELECT COUNT(*) FROM ${reports} WHERE ${reports.reviewId} = ${id})` })
      .where(eq(reviews.id, id)),
  ]);
}

export async function hide(db: DrizzleD1Database, id: string, reason: string, meta: Meta): Promise<ModeratedReview> {
  const current = await find(db, id);
  if (!current) throw new ProblemError(404, "No such review.");
  if (current.status === "hidden") throw new ProblemError(409, "The review is hidden already.");
  const next = changed(current, { status: "hidden", hiddenReason: reason });
  await commit(db, current, next, meta);
  return toModerated(next);
}

/** Restoring dismisses the review's reports: it leaves the reported queue, and each user may report it again. */
export async function restore(db: DrizzleD1Database, id: string, meta: Meta): Promise<ModeratedReview> {
  const current = await find(db, id);
  if (!current) throw new ProblemError(404, "No such review.");
  if (current.status === "visible") throw new ProblemError(409, "The review is visible already.");
  const next = changed(current, { status: "visible", hiddenReason: null, reportCount: 0 });
  await commit(db, current, next, meta, [db.delete(reports).where(eq(reports.reviewId, id))]);
  return toModerated(next);
}
