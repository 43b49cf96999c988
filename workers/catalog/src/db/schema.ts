import { index, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ProductStatus } from "#lib/contracts/api/catalog.ts";
import type { VendorStatus } from "#lib/contracts/api/vendors.ts";

export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";

/** A tree: `path` is the chain of slugs from the root (`/home/kitchen/`), so a subtree is a prefix. */
export const categories = sqliteTable("categories", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  parentId: text("parent_id"),
  path: text("path").notNull(),
  createdAt: text("created_at").notNull(),
});

/** The vendors Worker's stores as catalog needs them, kept from vendor.* events. */
export const vendors = sqliteTable("vendors", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull(),
  name: text("name").notNull(),
  status: text("status").$type<VendorStatus>().notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    /** The product's row in the product_search FTS5 index (its rowid). */
    docId: integer("doc_id").notNull().unique(),
    vendorId: text("vendor_id").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull(),
    categoryId: text("category_id").notNull(),
    categoryPath: text("category_path").notNull(),
    status: text("status").$type<ProductStatus>().notNull(),
    currency: text("currency").notNull(),
    minPrice: integer("min_price").notNull(),
    /** Copied from the Inventory Durable Objects; the product page reads them live. */
    inStock: integer("in_stock", { mode: "boolean" }).notNull().default(false),
    /** A recount of product_reviews' visible rows, kept by the review.updated consumer. */
    ratingAvg: real("rating_avg").notNull().default(0),
    ratingCount: integer("rating_count").notNull().default(0),
    /** Visible reviews by stars: [count of 1, …, count of 5]. */
    ratingHistogram: text("rating_histogram", { mode: "json" })
      .$type<[number, number, number, number, number]>()
      .notNull()
      .default([0, 0, 0, 0, 0]),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("products_vendor_idx").on(t.vendorId, t.id),
    index("products_listing_idx").on(t.status, t.id),
    index("products_price_idx").on(t.status, t.minPrice, t.id),
    index("products_rating_idx").on(t.status, t.ratingAvg, t.id),
    index("products_category_idx").on(t.categoryPath),
  ],
);

export const variants = sqliteTable(
  "variants",
  {
    sku: text("sku").primaryKey(),
    productId: text("product_id").notNull(),
    vendorId: text("vendor_id").notNull(),
    price: integer("price").notNull(),
    currency: text("currency").notNull(),
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string>>().notNull(),
    weightGrams: integer("weight_grams").notNull(),
    position: integer("position").notNull(),
    available: integer("available").notNull().default(0),
    stockVersion: integer("stock_version").notNull().default(0),
  },
  (t) => [index("variants_product_idx").on(t.productId, t.position)],
);

export const images = sqliteTable(
  "product_images",
  {
    id: text("id").primaryKey(),
    productId: text("product_id").notNull(),
    vendorId: text("vendor_id").notNull(),
    r2Key: text("r2_key").notNull(),
    contentType: text("content_type").notNull(),
    bytes: integer("bytes").notNull(),
    /** Pixels, read from the file at upload; null on rows stored before they were recorded. */
    width: integer("width"),
    height: integer("height"),
    position: integer("position").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("product_images_product_idx").on(t.productId, t.position)],
);

/** The newest copy of each review (from review.updated), which the product's rating is a recount of. */
export const productReviews = sqliteTable(
  "product_reviews",
  {
    reviewId: text("review_id").primaryKey(),
    productId: text("product_id").notNull(),
    rating: integer("rating").notNull(),
    visible: integer("visible", { mode: "boolean" }).notNull(),
    version: integer("version").notNull(),
  },
  (t) => [index("product_reviews_product_idx").on(t.productId, t.visible)],
);
