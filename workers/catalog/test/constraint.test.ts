import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { categories } from "../src/db/schema.ts";

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the statement to fail");
}

const category = (id: string, slug: string) => ({
  id,
  slug,
  name: slug,
  parentId: null,
  path: `/${slug}/`,
  createdAt: "2026-12-01T00:00:00.000Z",
});

describe("isConstraintViolation", () => {
  it("sees D1's error through drizzle's Failed query wrapper, by kind and column", async () => {
    const db = drizzle(env.DB);
    await db.insert(categories).values(category("cat_wrapped_1", "wrapped"));
    const error = await failure(() => db.insert(categories).values(category("cat_wrapped_2", "wrapped")));
    expect(isConstraintViolation(error, "UNIQUE")).toBe(true);
    expect(isConstraintViolation(error, "UNIQUE", "categories.slug")).toBe(true);
    expect(isConstraintViolation(error, "UNIQUE", "categories.id")).toBe(false);
    expect(isConstraintViolation(error, "NOT NULL")).toBe(false);
  });

  it("sees D1's own error, unwrapped", async () => {
    const insert =
      "INSERT INTO categories (id, slug, name, parent_id, path, created_at) VALUES (?, ?, ?, NULL, '/', '')";
    await env.DB.prepare(insert).bind("cat_raw_1", "raw", "Raw").run();
    const duplicate = await failure(() => env.DB.prepare(insert).bind("cat_raw_2", "raw", "Raw").run());
    expect(isConstraintViolation(duplicate, "UNIQUE", "categories.slug")).toBe(true);
    const missing = await failure(() => env.DB.prepare(insert).bind("cat_raw_3", "raw-3", null).run());
    expect(isConstraintViolation(missing, "NOT NULL", "categories.name")).toBe(true);
    expect(isConstraintViolation(missing, "UNIQUE")).toBe(false);
  });

  it("is false for other errors and for things that are not errors", () => {
    expect(
      isConstraintViolation(new Error("Failed query: select 1", { cause: new Error("no such table: x") }), "UNIQUE"),
    ).toBe(false);
    expect(isConstraintViolation(undefined, "UNIQUE")).toBe(false);
    expect(isConstraintViolation("UNIQUE constraint failed: a.b", "UNIQUE", "a.b")).toBe(true);
  });
});
