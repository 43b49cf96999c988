import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Actor } from "#lib/contracts/actor.ts";
import type { ModeratedReview, Review } from "#lib/contracts/api/reviews.ts";

const buyer: Actor = { sub: "usr_buyer", roles: ["customer"] };
const other: Actor = { sub: "usr_other", roles: ["customer"] };
const third: Actor = { sub: "usr_third", roles: ["customer"] };
const stranger: Actor = { sub: "usr_stranger", roles: ["customer"] };
const vendorA: Actor = { sub: "usr_va", roles: ["vendor"], vid: "ven_a" };
const vendorB: Actor = { sub: "usr_vb", roles: ["vendor"], vid: "ven_b" };
const admin: Actor = { sub: "usr_admin", roles: ["admin"] };

function call(method: string, path: string, actor?: Actor, body?: unknown) {
  return exports.default.fetch(`http://reviews${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(actor ? { "x-actor": JSON.stringify(actor) } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function problemType(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  return (await res.json<{ type: string }>()).type;
}

const input = { rating: 4, title: "Good", body: "Does what it says." };

/** The review.updated events staged for a review, oldest first. */
async function staged(reviewId: string) {
  const rows = await env.DB.prepare(
    "SELECT envelope FROM outbox WHERE type = 'review.updated' AND json_extract(envelope, '$.data.review.id') = ? ORDER BY created_at, rowid",
  )
    .bind(reviewId)
    .all<{ envelope: string }>();
  return rows.results.map(
    (row) =>
      JSON.parse(row.envelope) as {
        data: { version: number; review: { visible: boolean; rating: number; reply: unknown } };
      },
  );
}

async function write(actor: Actor, productId: string, body: unknown = input) {
  const res = await call("POST", `/api/v1/products/${productId}/reviews`, actor, body);
  expect(res.status).toBe(201);
  return res.json<Review>();
}

describe("writing reviews", () => {
  it("refuses a shopper without a delivered purchase (403 purchase-required) and an unknown product (404)", async () => {
    const refused = await call("POST", "/api/v1/products/prd_a/reviews", stranger, input);
    expect(refused.status).toBe(403);
    expect(await problemType(refused)).toBe("/problems/purchase-required");
    expect((await call("POST", "/api/v1/products/prd_none/reviews", buyer, input)).status).toBe(404);
    const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM reviews WHERE user_id = ?")
      .bind(stranger.sub)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("takes one review per user and product, with the author's profile name, and stages version 1", async () => {
    const review = await write(buyer, "prd_a");
    expect(review).toMatchObject({ productId: "prd_a", rating: 4, authorName: "Name of usr_buyer", reply: null });
    const again = await call("POST", "/api/v1/products/prd_a/reviews", buyer, { ...input, rating: 1 });
    expect(again.status).toBe(409);
    expect(await problemType(again)).toBe("/problems/review-exists");
    const events = await staged(review.id);
    expect(events.map((e) => e.data.version)).toEqual([1]);
    expect(events[0]?.data.review).toMatchObject({ vendorId: "ven_a", visible: true, rating: 4 });
  });

  it("refuses a rating outside 1–5 with a 400 and writes nothing", async () => {
    const res = await call("POST", "/api/v1/products/prd_b/reviews", buyer, { ...input, rating: 6 });
    expect(res.status).toBe(400);
    expect((await call("POST", "/api/v1/products/prd_b/reviews", buyer, { ...input, rating: 0 })).status).toBe(400);
  });
});

describe("editing", () => {
  it("lets only the author edit (another user gets 404), bumping the version", async () => {
    const review = await write(buyer, "prd_b");
    const foreign = await call("PATCH", `/api/v1/reviews/${review.id}`, other, { rating: 1 });
    expect(foreign.status).toBe(404);
    const res = await call("PATCH", `/api/v1/reviews/${review.id}`, buyer, { rating: 2, title: "Meh" });
    expect(res.status).toBe(200);
    expect(await res.json<Review>()).toMatchObject({ rating: 2, title: "Meh", body: input.body });
    expect((await staged(review.id)).map((e) => [e.data.version, e.data.review.rating])).toEqual([
      [1, 4],
      [2, 2],
    ]);
  });

  it("closes the edit window 30 days after writing (409 edit-window-closed)", async () => {
    const review = await write(other, "prd_a");
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE reviews SET created_at = ? WHERE id = ?").bind(old, review.id).run();
    const res = await call("PATCH", `/api/v1/reviews/${review.id}`, other, { body: "Changed my mind." });
    expect(res.status).toBe(409);
    expect(await problemType(res)).toBe("/problems/edit-window-closed");
    expect((await staged(review.id)).length).toBe(1);
  });
});

describe("store replies", () => {
  it("refuses another store (404), answers once (409 reply-exists) and stages the reply", async () => {
    const [review] = (await (await call("GET", "/api/v1/products/prd_a/reviews")).json<{ items: Review[] }>()).items;
    if (!review) throw new Error("no review");
    const foreign = await call("POST", `/api/v1/vendor/reviews/${review.id}/reply`, vendorB, { body: "Thanks!" });
    expect(foreign.status).toBe(404);
    const res = await call("POST", `/api/v1/vendor/reviews/${review.id}/reply`, vendorA, { body: "Thanks!" });
    expect(res.status).toBe(201);
    expect((await res.json<ModeratedReview>()).reply?.body).toBe("Thanks!");
    const twice = await call("POST", `/api/v1/vendor/reviews/${review.id}/reply`, vendorA, { body: "Again" });
    expect(twice.status).toBe(409);
    expect(await problemType(twice)).toBe("/problems/reply-exists");
    const events = await staged(review.id);
    expect(events.at(-1)?.data.review.reply).toMatchObject({ body: "Thanks!" });
  });

  it("lists only the store's own products' reviews", async () => {
    const a = await (await call("GET", "/api/v1/vendor/reviews", vendorA)).json<{ items: ModeratedReview[] }>();
    const b = await (await call("GET", "/api/v1/vendor/reviews", vendorB)).json<{ items: ModeratedReview[] }>();
    expect(a.items.length).toBeGreaterThan(0);
    expect(a.items.every((r) => r.productId === "prd_a")).toBe(true);
    expect(b.items.every((r) => r.productId === "prd_b")).toBe(true);
  });
});

describe("reading", () => {
  it("sorts by rating and sums up the visible reviews with a histogram", async () => {
    await write(third, "prd_a", { ...input, rating: 1 });
    const res = await call("GET", "/api/v1/products/prd_a/reviews?sort=rating_asc&limit=1");
    expect(res.status).toBe(200);
    const page = await res.json<{ items: Review[]; nextCursor: string | null; summary: unknown }>();
    expect(page.items.map((r) => r.rating)).toEqual([1]);
    // buyer's 4, other's 4 and third's 1
    expect(page.summary).toEqual({ rating: 3, count: 3, histogram: { 1: 1, 2: 0, 3: 0, 4: 2, 5: 0 } });
    const next = await call("GET", `/api/v1/products/prd_a/reviews?sort=rating_asc&limit=1&cursor=${page.nextCursor}`);
    expect((await next.json<{ items: Review[] }>()).items.map((r) => r.rating)).toEqual([4]);
    const empty = await (await call("GET", "/api/v1/products/prd_none/reviews")).json<{ items: Review[] }>();
    expect(empty).toMatchObject({ items: [], summary: { rating: 0, count: 0 } });
  });
});

describe("reports and moderation", () => {
  it("counts one report per user, queues it for admins, hides and restores with growing versions", async () => {
    const review = (
      await (await call("GET", "/api/v1/products/prd_a/reviews?sort=rating_asc")).json<{ items: Review[] }>()
    ).items[0];
    if (!review) throw new Error("no review");
    for (const actor of [stranger, stranger, buyer]) {
      const res = await call("POST", `/api/v1/reviews/${review.id}/report`, actor, { reason: "Rude" });
      expect(res.status).toBe(202);
    }
    const queue = await (await call("GET", "/api/v1/admin/reviews?status=reported", admin)).json<{
      items: ModeratedReview[];
    }>();
    expect(queue.items.find((r) => r.id === review.id)?.reportCount).toBe(2);
    const before = (await staged(review.id)).length;

    const hidden = await call("POST", `/api/v1/admin/reviews/${review.id}/hide`, admin, { reason: "Abusive" });
    expect(hidden.status).toBe(200);
    expect(await hidden.json<ModeratedReview>()).toMatchObject({ status: "hidden", hiddenReason: "Abusive" });
    expect((await call("POST", `/api/v1/admin/reviews/${review.id}/hide`, admin, { reason: "x" })).status).toBe(409);
    const page = await (await call("GET", "/api/v1/products/prd_a/reviews")).json<{
      items: Review[];
      summary: { count: number };
    }>();
    expect(page.items.some((r) => r.id === review.id)).toBe(false);
    expect(page.summary.count).toBe(2);
    expect((await call("POST", `/api/v1/reviews/${review.id}/report`, buyer, { reason: "x" })).status).toBe(404);
    expect((await call("POST", "/api/v1/reviews/rev_none/report", buyer, { reason: "x" })).status).toBe(404);

    const restored = await call("POST", `/api/v1/admin/reviews/${review.id}/restore`, admin, { reason: "Fine" });
    expect(restored.status).toBe(200);
    expect(await restored.json<ModeratedReview>()).toMatchObject({ status: "visible", reportCount: 0 });
    const events = await staged(review.id);
    expect(events.length).toBe(before + 2);
    expect(events.slice(-2).map((e) => [e.data.version, e.data.review.visible])).toEqual([
      [2, false],
      [3, true],
    ]);
    const versions = events.map((e) => e.data.version);
    expect(versions).toEqual([...versions].sort((x, y) => x - y));
  });
});

describe("reviews", () => {
  it("is ready when its database answers", async () => {
    const ready = await exports.default.ready();
    expect(ready.ok).toBe(true);
    expect(ready.checks.db?.ok).toBe(true);
  });

  it("answers an unknown route with a problem", async () => {
    const res = await exports.default.fetch("http://reviews/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});
