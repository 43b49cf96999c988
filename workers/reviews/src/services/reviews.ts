import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Actor } from "#lib/contracts/actor.ts";
import { REVIEW_EDIT_DAYS, type Review, type ReviewInput, type ReviewPatch } from "#lib/contracts/api/reviews.ts";
import { newId } from "#lib/contracts/ids.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { changed, commit, find, type Meta, type Row, toReview } from "./store.ts";

const DAY_MS = 86_400_000;

/** The purchase gate and the product look-up are the caller's (routes/reviews.ts): this writes the review. */
export async function create(
  db: DrizzleD1Database,
  actor: Actor,
  product: { id: string; vendorId: string },
  authorName: string,
  input: ReviewInput,
  meta: Meta,
): Promise<Review> {
  const now = new Date().toISOString();
  const row: Row = {
    id: newId("review"),
    productId: product.id,
    vendorId: product.vendorId,
    userId: actor.sub,
    authorName,
    ...input,
    status: "visible",
    hiddenReason: null,
    reportCount: 0,
    replyBody: null,
    replyAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // The unique (user, product) index refuses a second review, also one racing this one.
  await commit(db, undefined, row, meta);
  return toReview(row);
}

/** Another user's review is indistinguishable from a missing one. */
export async function ownReview(db: DrizzleD1Database, userId: string, id: string): Promise<Row> {
  const row = await find(db, id);
  if (!row || row.userId !== userId) throw new ProblemError(404, "No such review of yours.");
  return row;
}

export async function edit(
  db: DrizzleD1Database,
  actor: Actor,
  id: string,
  authorName: string,
  patch: ReviewPatch,
  meta: Meta,
  now = Date.now(),
): Promise<Review> {
  const current = await ownReview(db, actor.sub, id);
  if (now - Date.parse(current.createdAt) > REVIEW_EDIT_DAYS * DAY_MS)
    throw new ProblemError(409, `A review can be edited for ${REVIEW_EDIT_DAYS} days after it was written.`, {
      type: "edit-window-closed",
    });
  const next = changed(current, { ...patch, authorName });
  await commit(db, current, next, meta);
  return toReview(next);
}
