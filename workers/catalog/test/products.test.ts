import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { ProblemError } from "#lib/http/problem.ts";
import { categories } from "../src/db/schema.ts";
import { createProduct, detail, ownProduct, updateProduct } from "../src/services/products.ts";

const db = drizzle(env.DB);
const sizes = (n: number, from: number) =>
  Array.from({ length: n }, (_, i) => ({
    price: 100 + from + i,
    attributes: { size: `s${from + i}` },
    weightGrams: 0,
  }));

describe("product variants", () => {
  it("lets only one of two edits adding variants at once through, so the limit and positions hold", async () => {
    await db.insert(categories).values({
      id: "cat_race",
      slug: "race",
      name: "Race",
      parentId: null,
      path: "/race/",
      createdAt: "2026-12-01T00:00:00.000Z",
    });
    const input = {
      title: "Racing",
      description: "",
      tags: [],
      categoryId: "cat_race",
      currency: "EUR",
      variants: sizes(1, 0),
    };
    const { id } = await createProduct(db, "ven_race", input);
    // Both read one variant before either writes; together they would make 61.
    const settled = await Promise.allSettled([
      updateProduct(db, "ven_race", id, { variants: sizes(30, 1) }),
      updateProduct(db, "ven_race", id, { variants: sizes(30, 31) }),
    ]);
    const outcomes = settled.map((s) =>
      s.status === "fulfilled" ? "ok" : s.reason instanceof ProblemError ? s.reason.status : s.reason,
    );
    expect(outcomes).toEqual(["ok", 409]);
    const product = await detail(db, await ownProduct(db, "ven_race", id));
    expect(product.variants.map((v) => v.attributes.size)).toEqual(sizes(31, 0).map((v) => v.attributes.size));
    expect(product.price).toBe(100);
  });
});
