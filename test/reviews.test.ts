import { beforeAll, describe, expect, it } from "vitest";
import {
  adminSession,
  api,
  arrangeReview,
  createCategory,
  createProduct,
  eventually,
  expectProblem,
  profileOf,
  type Session,
  signUp,
  vendorSession,
} from "./helpers.ts";

interface Review {
  id: string;
  rating: number;
  reply: { body: string } | null;
}
interface ReviewPage {
  items: Review[];
  summary: { rating: number; count: number; histogram: Record<string, number> };
}
interface Product {
  rating: number;
  ratingCount: number;
  ratingHistogram: Record<string, number>;
}

let admin: Session;
let vendor: Session & { vendorId: string };
let otherVendor: Session & { vendorId: string };
let shopper: Session;
let productId: string;
let storeSlug: string;

// Reads go with a token: anonymous product and review pages are cached at the edge for a while.
const read = <T>(path: string) => api("GET", path, { token: shopper.accessToken }).then((r) => r.json<T>());

beforeAll(async () => {
  admin = await adminSession();
  [vendor, otherVendor, shopper] = await Promise.all([
    vendorSession(admin, "Reviewed store"),
    vendorSession(admin, "Other store"),
    signUp("Reviewing shopper"),
  ]);
  await profileOf(shopper);
  const categoryId = await createCategory(admin, `reviews-${crypto.randomUUID().slice(0, 8)}`);
  productId = (await createProduct(vendor, { categoryId }, { stock: 3, publish: true })).id;
  storeSlug = (
    await api("GET", "/api/v1/vendor", { token: vendor.accessToken }).then((r) => r.json<{ slug: string }>())
  ).slug;
});

describe("reviews through the gateway", () => {
  it("refuses a review from a shopper who received nothing (403 purchase-required), and anyone signed out (401)", async () => {
    const body = { rating: 5, title: "Great", body: "Love it." };
    const refused = await api("POST", `/api/v1/products/${productId}/reviews`, { token: shopper.accessToken, body });
    expect((await expectProblem(refused, 403)).type).toBe("/problems/purchase-required");
    await expectProblem(await api("POST", `/api/v1/products/${productId}/reviews`, { body }), 401);
    await expectProblem(
      await api("POST", "/api/v1/products/prd_none/reviews", { token: shopper.accessToken, body }),
      404,
    );
  });

  it("shows reviews and rates the product and the store; hiding one changes both ratings", async () => {
    const [top, low] = await Promise.all([
      arrangeReview({ productId, vendorId: vendor.vendorId, userId: "usr_arranged_top", rating: 5 }, { publish: true }),
      arrangeReview({ productId, vendorId: vendor.vendorId, userId: "usr_arranged_low", rating: 1 }, { publish: true }),
    ]);
    const rated = await eventually(
      () => read<Product>(`/api/v1/products/${productId}`),
      (p) => p.ratingCount === 2,
    );
    expect(rated).toMatchObject({ rating: 3, ratingHistogram: { 1: 1, 2: 0, 3: 0, 4: 0, 5: 1 } });
    const page = await read<ReviewPage>(`/api/v1/products/${productId}/reviews?sort=rating_desc`);
    expect(page.items.map((r) => r.id)).toEqual([top.id, low.id]);
    expect(page.summary).toMatchObject({ rating: 3, count: 2 });

    // Reports: one per user counts, a second answers the same; admins see the count, shoppers not the queue.
    for (let i = 0; i < 2; i++) {
      const reported = await api("POST", `/api/v1/reviews/${low.id}/report`, {
        token: shopper.accessToken,
        body: { reason: "Not about the product" },
      });
      expect(reported.status).toBe(202);
    }
    await expectProblem(await api("GET", "/api/v1/admin/reviews", { token: shopper.accessToken }), 403);
    const queue = await api("GET", "/api/v1/admin/reviews?status=reported", { token: admin.accessToken }).then((r) =>
      r.json<{ items: { id: string; reportCount: number }[] }>(),
    );
    expect(queue.items.find((r) => r.id === low.id)?.reportCount).toBe(1);

    const hidden = await api("POST", `/api/v1/admin/reviews/${low.id}/hide`, {
      token: admin.accessToken,
      body: { reason: "Off topic" },
    });
    expect(hidden.status).toBe(200);
    const after = await eventually(
      () => read<Product>(`/api/v1/products/${productId}`),
      (p) => p.ratingCount === 1,
    );
    expect(after).toMatchObject({ rating: 5, ratingHistogram: { 1: 0, 5: 1 } });
    const store = await eventually(
      () => api("GET", `/api/v1/vendors/${storeSlug}`).then((r) => r.json<{ rating: number; ratingCount: number }>()),
      (s) => s.ratingCount === 1,
    );
    expect(store.rating).toBe(5);
    expect((await read<ReviewPage>(`/api/v1/products/${productId}/reviews`)).items.map((r) => r.id)).toEqual([top.id]);
    await expectProblem(
      await api("POST", `/api/v1/reviews/${low.id}/report`, { token: shopper.accessToken, body: { reason: "x" } }),
      404,
    );
  });

  it("lets only the product's store answer a review, once", async () => {
    const review = await arrangeReview({
      productId,
      vendorId: vendor.vendorId,
      userId: "usr_arranged_reply",
      rating: 4,
    });
    const path = `/api/v1/vendor/reviews/${review.id}/reply`;
    await expectProblem(await api("POST", path, { token: otherVendor.accessToken, body: { body: "Hi" } }), 404);
    await expectProblem(await api("POST", path, { token: shopper.accessToken, body: { body: "Hi" } }), 403);
    expect((await api("POST", path, { token: vendor.accessToken, body: { body: "Thank you!" } })).status).toBe(201);
    const twice = await api("POST", path, { token: vendor.accessToken, body: { body: "Again" } });
    expect((await expectProblem(twice, 409)).type).toBe("/problems/reply-exists");
    const own = await api("GET", "/api/v1/vendor/reviews", { token: vendor.accessToken }).then((r) =>
      r.json<{ items: Review[] }>(),
    );
    expect(own.items.find((r) => r.id === review.id)?.reply?.body).toBe("Thank you!");
    const others = await api("GET", "/api/v1/vendor/reviews", { token: otherVendor.accessToken }).then((r) =>
      r.json<{ items: Review[] }>(),
    );
    expect(others.items).toEqual([]);
  });
});
