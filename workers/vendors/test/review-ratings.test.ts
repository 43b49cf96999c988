import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import VendorsWorker from "../src/index.ts";
import * as vendors from "../src/services/vendors.ts";

function reviewEvent(vendorId: string, version: number, review: { id: string; rating: number; visible: boolean }) {
  return {
    id: `evt_${crypto.randomUUID()}`,
    type: "review.updated",
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "reviews",
    traceId: "trace-test",
    data: {
      version,
      review: {
        ...review,
        productId: "prd_x",
        vendorId,
        userId: `usr_${review.id}`,
        title: "t",
        reply: null,
        createdAt: "2026-11-01T00:00:00.000Z",
      },
    },
  };
}

async function deliver(...bodies: unknown[]) {
  const batch = createMessageBatch(
    "vendors-inbox",
    bodies.map((body, i) => ({ id: `m${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await new VendorsWorker(ctx, env).queue(batch);
  expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
}

async function approvedStore(slug: string) {
  const db = drizzle(env.DB);
  const owner = { sub: `usr_${slug}`, roles: ["customer" as const] };
  const vendor = await vendors.apply(db, owner, `${slug}@example.com`, { name: slug, slug, description: "" }, 1000, {
    traceId: "t",
  });
  await vendors.decide(db, vendor.id, "approve", {}, { sub: "usr_admin", roles: ["admin"] }, { traceId: "t" });
  return vendor.id;
}

const publicStore = async (slug: string) =>
  (await exports.default.fetch(`http://vendors/api/v1/vendors/${slug}`)).json<{
    rating: number;
    ratingCount: number;
  }>();

describe("the store's rating", () => {
  it("counts each review once, keeps the newest version and drops hidden reviews", async () => {
    const vendorId = await approvedStore("rated-store");
    const five = reviewEvent(vendorId, 1, { id: "rev_five", rating: 5, visible: true });
    const two = reviewEvent(vendorId, 1, { id: "rev_two", rating: 2, visible: true });
    await deliver(five, two, five);
    await deliver(two);
    expect(await publicStore("rated-store")).toMatchObject({ rating: 3.5, ratingCount: 2 });

    await deliver(reviewEvent(vendorId, 3, { id: "rev_two", rating: 2, visible: false }));
    // An older edit arriving late changes nothing.
    await deliver(reviewEvent(vendorId, 2, { id: "rev_two", rating: 1, visible: true }));
    expect(await publicStore("rated-store")).toMatchObject({ rating: 5, ratingCount: 1 });
  });

  it("leaves other stores' ratings alone", async () => {
    const a = await approvedStore("store-one");
    await approvedStore("store-two");
    await deliver(reviewEvent(a, 1, { id: "rev_one", rating: 4, visible: true }));
    expect(await publicStore("store-one")).toMatchObject({ rating: 4, ratingCount: 1 });
    expect(await publicStore("store-two")).toMatchObject({ rating: 0, ratingCount: 0 });
  });
});
