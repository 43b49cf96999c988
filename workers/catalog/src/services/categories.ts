import { asc, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Category } from "#lib/contracts/api/catalog.ts";
import { newId } from "#lib/contracts/ids.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { categories } from "../db/schema.ts";

type Row = typeof categories.$inferSelect;

export async function listCategories(db: DrizzleD1Database): Promise<Category[]> {
  const rows = await db.select().from(categories).orderBy(asc(categories.path));
  return rows.map(toCategory);
}

export async function createCategory(
  db: DrizzleD1Database,
  input: { name: string; slug: string; parentId?: string },
): Promise<Category> {
  let path = `/${input.slug}/`;
  if (input.parentId) {
    const [parent] = await db.select().from(categories).where(eq(categories.id, input.parentId));
    if (!parent) throw new ProblemError(404, "No such parent category.");
    path = `${parent.path}${input.slug}/`;
  }
  const row: Row = {
    id: newId("category"),
    slug: input.slug,
    name: input.name,
    parentId: input.parentId ?? null,
    path,
    createdAt: new Date().toISOString(),
  };
  try {
    await db.insert(categories).values(row);
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "categories.slug")) {
      throw new ProblemError(409, "That category slug is taken.", {
        type: "slug-taken",
        errors: [{ path: "slug", message: "Taken." }],
      });
    }
    throw error;
  }
  return toCategory(row);
}

/** A category a product can be filed under; 422 when the client names one that does not exist. */
export async function requireCategory(db: DrizzleD1Database, id: string): Promise<Row> {
  const [row] = await db.select().from(categories).where(eq(categories.id, id));
  if (!row)
    throw new ProblemError(422, "No such category.", {
      type: "unknown-reference",
      errors: [{ path: "categoryId", message: "Unknown category." }],
    });
  return row;
}

export async function categoryBySlug(db: DrizzleD1Database, slug: string): Promise<Row | undefined> {
  const [row] = await db.select().from(categories).where(eq(categories.slug, slug));
  return row;
}

function toCategory({ createdAt: _createdAt, ...category }: Row): Category {
  return category;
}
