import { and, asc, eq, ne, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Inventory } from "#do/inventory.ts";
import {
  MAX_VARIANTS,
  type ProductDetail,
  type ProductInput,
  type ProductPatch,
  type ProductStatus,
  type VariantInput,
} from "#lib/contracts/api/catalog.ts";
import { newId } from "#lib/contracts/ids.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { inList } from "#lib/db/in-list.ts";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { insertChunks } from "../db/chunks.ts";
import { images, products, variants, vendors } from "../db/schema.ts";
import { requireCategory } from "./categories.ts";
import { liveLevels } from "./stock.ts";

type ProductRow = typeof products.$inferSelect;
type VariantRow = typeof variants.$inferSelect;

export const imageUrl = (id: string) => `/api/v1/images/${id}`;

export async function createProduct(
  db: DrizzleD1Database,
  vendorId: string,
  input: ProductInput,
): Promise<ProductDetail> {
  const category = await requireCategory(db, input.categoryId);
  const now = new Date().toISOString();
  const id = newId("product");
  const rows: VariantRow[] = input.variants.map((variant, position) =>
    newVariant(id, vendorId, input.currency, position, variant),
  );
  const product = {
    id,
    // The next row of the search index; unique, so a racing insert fails rather than sharing it.
    docId: sql`(SELECT COALESCE(MAX(doc_id), 0) + 1 FROM products)`,
    vendorId,
    title: input.title,
    description: input.description,
    tags: input.tags,
    categoryId: category.id,
    categoryPath: category.path,
    status: "draft" as const,
    currency: input.currency,
    minPrice: Math.min(...rows.map((v) => v.price)),
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(products).values(product),
    ...insertChunks(variants, rows).map((part) => db.insert(variants).values(part)),
  ]);
  return detail(db, await ownProduct(db, vendorId, id));
}

export async function updateProduct(
  db: DrizzleD1Database,
  vendorId: string,
  id: string,
  patch: ProductPatch,
): Promise<ProductDetail> {
  const current = await ownProduct(db, vendorId, id);
  const category = patch.categoryId ? await requireCategory(db, patch.categoryId) : undefined;
  const existing = await db.select({ sku: variants.sku }).from(variants).where(eq(variants.productId, id));
  const known = new Set(existing.map((v) => v.sku));
  const edits: { sku: string; fields: Partial<Pick<VariantRow, "price" | "attributes" | "weightGrams">> }[] = [];
  const added: VariantRow[] = [];
  for (const [i, variant] of (patch.variants ?? []).entries()) {
    if (!("sku" in variant)) {
      added.push(newVariant(id, vendorId, current.currency, existing.length + added.length, variant));
      continue;
    }
    const { sku, ...fields } = variant;
    if (!known.has(sku)) {
      throw new ProblemError(422, "No such variant of this product.", {
        type: "unknown-reference",
        errors: [{ path: `variants.${i}.sku`, message: "Unknown SKU." }],
      });
    }
    if (Object.values(fields).some((value) => value !== undefined)) edits.push({ sku, fields });
  }
  if (existing.length + added.length > MAX_VARIANTS) {
    const message = `A product has at most ${MAX_VARIANTS} variants; this one has ${existing.length}.`;
    throw new ProblemError(422, message, { type: "unknown-reference", errors: [{ path: "variants", message }] });
  }
  // Written against the count read above: if variants were added meanwhile, the CASE
  // yields NULL, the NOT NULL constraint fails and the whole batch rolls back, so the
  // limit holds and positions never collide.
  const now = new Date().toISOString();
  const variantCount = sql`(SELECT COUNT(*) FROM ${variants} WHERE ${variants.productId} = ${id})`;
  const guardedUpdatedAt = sql`CASE WHEN ${variantCount} = ${existing.length} THEN ${now} ELSE NULL END`;
  const statements = [
    db
      .update(products)
      .set({
        title: patch.title ?? current.title,
        description: patch.description ?? current.description,
        tags: patch.tags ?? current.tags,
        categoryId: category?.id ?? current.categoryId,
        categoryPath: category?.path ?? current.categoryPath,
        updatedAt: guardedUpdatedAt,
      })
      .where(and(eq(products.id, id), eq(products.vendorId, vendorId))),
    ...edits.map((e) =>
      db
        .update(variants)
        .set(e.fields)
        .where(and(eq(variants.sku, e.sku), eq(variants.productId, id))),
    ),
    ...insertChunks(variants, added).map((part) => db.insert(variants).values(part)),
    db
      .update(products)
      .set({ minPrice: sql`(SELECT MIN(${variants.price}) FROM ${variants} WHERE ${variants.productId} = ${id})` })
      .where(eq(products.id, id)),
  ] as const;
  try {
    await db.batch(statements);
  } catch (error) {
    if (isConstraintViolation(error, "NOT NULL", "products.updated_at")) {
      throw new ProblemError(409, "Variants were added meanwhile; reload and retry.", { type: "edit-conflict" });
    }
    throw error;
  }
  return detail(db, await ownProduct(db, vendorId, id));
}

function newVariant(
  productId: string,
  vendorId: string,
  currency: string,
  position: number,
  input: VariantInput,
): VariantRow {
  return {
    sku: newId("sku"),
    productId,
    vendorId,
    price: input.price,
    currency,
    attributes: input.attributes,
    weightGrams: input.weightGrams,
    position,
    available: 0,
    stockVersion: 0,
  };
}

export async function setStatus(
  db: DrizzleD1Database,
  vendorId: string,
  id: string,
  status: ProductStatus,
): Promise<ProductDetail> {
  await ownProduct(db, vendorId, id);
  await db
    .update(products)
    .set({ status, updatedAt: new Date().toISOString() })
    .where(and(eq(products.id, id), eq(products.vendorId, vendorId)));
  return detail(db, await ownProduct(db, vendorId, id));
}

export async function deleteDraft(db: DrizzleD1Database, vendorId: string, id: string): Promise<{ r2Keys: string[] }> {
  const product = await ownProduct(db, vendorId, id);
  if (product.status !== "draft")
    throw new ProblemError(409, "Only drafts can be deleted; archive a published product instead.", {
      type: "not-a-draft",
    });
  const keys = await db.select({ key: images.r2Key }).from(images).where(eq(images.productId, id));
  await db.batch([
    db.delete(variants).where(eq(variants.productId, id)),
    db.delete(images).where(eq(images.productId, id)),
    db.delete(products).where(and(eq(products.id, id), eq(products.vendorId, vendorId))),
  ]);
  return { r2Keys: keys.map((k) => k.key) };
}

/** Another vendor's product is indistinguishable from a missing one. */
export async function ownProduct(db: DrizzleD1Database, vendorId: string, id: string): Promise<ProductRow> {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.id, id), eq(products.vendorId, vendorId)));
  if (!row) throw new ProblemError(404, "No such product in your store.");
  return row;
}

/** A product a shopper may see: on sale, from an approved vendor. */
export async function publicProduct(db: DrizzleD1Database, id: string): Promise<ProductRow> {
  const [row] = await db
    .select({ product: products })
    .from(products)
    .innerJoin(vendors, eq(vendors.id, products.vendorId))
    .where(and(eq(products.id, id), eq(products.status, "active"), eq(vendors.status, "approved")));
  if (!row) throw new ProblemError(404, "No such product.");
  return row.product;
}

/** A product that was ever on sale (drafts never were), for reviews; null when there is none. */
export async function reviewable(db: DrizzleD1Database, id: string) {
  const [row] = await db
    .select({ id: products.id, vendorId: products.vendorId, title: products.title })
    .from(products)
    .where(and(eq(products.id, id), ne(products.status, "draft")));
  return row ?? null;
}

export async function listVendorProducts(
  db: DrizzleD1Database,
  vendorId: string,
  status: ProductStatus | undefined,
  limit: number,
  cursor?: string,
) {
  const list = keyset([products.id], "desc", limit, cursor);
  const rows = await db
    .select()
    .from(products)
    .where(and(eq(products.vendorId, vendorId), status ? eq(products.status, status) : undefined, list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const page = list.pageOf(rows, (row) => [row.id]);
  return { items: await Promise.all(page.items.map((row) => detail(db, row))), nextCursor: page.nextCursor };
}

/** The full product; with `live`, availability comes from the Inventory Durable Objects instead of the snapshot. */
export async function detail(
  db: DrizzleD1Database,
  row: ProductRow,
  live?: DurableObjectNamespace<Inventory>,
): Promise<ProductDetail> {
  const [variantRows, imageRows] = await Promise.all([
    db.select().from(variants).where(eq(variants.productId, row.id)).orderBy(asc(variants.position)),
    db.select().from(images).where(eq(images.productId, row.id)).orderBy(asc(images.position)),
  ]);
  const levels = live
    ? await liveLevels(
        live,
        variantRows.map((v) => v.sku),
      )
    : undefined;
  const variantList = variantRows.map((v) => ({
    sku: v.sku,
    price: v.price,
    currency: v.currency,
    attributes: v.attributes,
    weightGrams: v.weightGrams,
    available: levels?.get(v.sku)?.available ?? v.available,
  }));
  return {
    id: row.id,
    title: row.title,
    vendorId: row.vendorId,
    categoryId: row.categoryId,
    price: row.minPrice,
    currency: row.currency,
    rating: row.ratingAvg,
    ratingCount: row.ratingCount,
    ratingHistogram: histogramOf(row.ratingHistogram),
    inStock: variantList.some((v) => v.available > 0),
    imageUrl: imageRows[0] ? imageUrl(imageRows[0].id) : null,
    createdAt: row.createdAt,
    description: row.description,
    tags: row.tags,
    status: row.status,
    images: imageRows.map((img) => ({
      id: img.id,
      url: imageUrl(img.id),
      contentType: img.contentType,
      width: img.width,
      height: img.height,
    })),
    variants: variantList,
    updatedAt: row.updatedAt,
  };
}

/** The SKUs of a vendor, for stock management; 404 for anyone else's. */
export async function ownSku(db: DrizzleD1Database, vendorId: string, sku: string): Promise<VariantRow> {
  const [row] = await db
    .select()
    .from(variants)
    .where(and(eq(variants.sku, sku), eq(variants.vendorId, vendorId)));
  if (!row) throw new ProblemError(404, "No such SKU in your store.");
  return row;
}

export async function variantsBySku(db: DrizzleD1Database, skus: string[]) {
  if (skus.length === 0) return [];
  return db
    .select({ variant: variants, title: products.title, productStatus: products.status, vendorStatus: vendors.status })
    .from(variants)
    .innerJoin(products, eq(products.id, variants.productId))
    .leftJoin(vendors, eq(vendors.id, variants.vendorId))
    .where(inList(variants.sku, skus));
}

function histogramOf([one, two, three, four, five]: [number, number, number, number, number]) {
  return { 1: one, 2: two, 3: three, 4: four, 5: five };
}
