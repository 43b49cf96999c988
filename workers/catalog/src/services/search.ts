import { type SQL, sql } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Facets, ProductQuery, ProductSummary, Sort } from "#lib/contracts/api/catalog.ts";
import { keyset } from "#lib/http/pagination.ts";
import { categoryBySlug } from "./categories.ts";
import { imageUrl } from "./products.ts";

/** Upper bounds (minor units) of the price facet's buckets; the last bucket is open. */
export const PRICE_BUCKETS = [1_000, 2_500, 5_000, 10_000, 25_000];

// bm25 weights of product_search's columns: title, description, tags, vendor name.
const RANK = sql`bm25(product_search, 10.0, 1.0, 4.0, 2.0)`;

interface Keyset {
  key: SQL;
  dir: "asc" | "desc";
}

const SORTS: Record<Sort, Keyset> = {
  relevance: { key: sql`hits.rank`, dir: "asc" },
  price_asc: { key: sql`p.min_price`, dir: "asc" },
  price_desc: { key: sql`p.min_price`, dir: "desc" },
  newest: { key: sql`p.id`, dir: "desc" },
  rating: { key: sql`p.rating_avg`, dir: "desc" },
};

interface Row {
  id: string;
  title: string;
  vendor_id: string;
  category_id: string;
  min_price: number;
  currency: string;
  rating_avg: number;
  rating_count: number;
  in_stock: number;
  image_id: string | null;
  created_at: string;
  sort_key: number | string;
}

/** Words of the query as an FTS5 expression: every word must match; the last may be a prefix (search as you type). */
export function ftsQuery(q: string): string | undefined {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  return words.map((word, i) => `"${word}"${i === words.length - 1 ? "*" : ""}`).join(" ");
}

export async function searchProducts(db: DrizzleD1Database, query: ProductQuery) {
  const match = query.q ? ftsQuery(query.q) : undefined;
  const sort =
    SORTS[query.sort === "relevance" && !match ? "newest" : (query.sort ?? (match ? "relevance" : "newest"))];
  const filters = await filtersOf(db, query);
  if (!filters) return { items: [], nextCursor: null, facets: { categories: [], vendors: [], prices: [] } };

  const hits = match
    ? sql`JOIN (SELECT rowid AS doc_id, ${RANK} AS rank FROM product_search WHERE product_search MATCH ${match}) hits ON hits.doc_id = p.doc_id`
    : sql``;
  const where = sql.join(filters, sql` AND `);
  const list = keyset([sort.key, sql`p.id`], sort.dir, query.limit, query.cursor);

  const [rows, facets] = await Promise.all([
    db.all<Row>(sql`
      SELECT p.id, p.title, p.vendor_id, p.category_id, p.min_price, p.currency, p.rating_avg, p.rating_count, p.in_stock, p.created_at,
        (SELECT i.id FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_id,
        ${sort.key} AS sort_key
      FROM products p ${hits}
      WHERE ${where}${list.after ? sql` AND ${list.after}` : sql``}
      ORDER BY ${sql.join(list.orderBy, sql`, `)}
      LIMIT ${list.fetch}`),
    facetsOf(db, hits, where),
  ]);
  const page = list.pageOf(rows, (row) => [row.sort_key, row.id]);
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor, facets };
}

/** The filters of a query as SQL conditions; undefined when they can match nothing (an unknown category). */
async function filtersOf(db: DrizzleD1Database, query: ProductQuery): Promise<SQL[] | undefined> {
  const filters: SQL[] = [
    sql`p.status = 'active'`,
    sql`p.vendor_id IN (SELECT id FROM vendors WHERE status = 'approved')`,
  ];
  if (query.category) {
    const category = await categoryBySlug(db, query.category);
    if (!category) return undefined;
    // GLOB, unlike LIKE, is case-sensitive, so it can use the index on category_path (slugs hold no glob characters).
    filters.push(sql`p.category_path GLOB ${`${category.path}*`}`);
  }
  if (query.vendor) filters.push(sql`p.vendor_id = ${query.vendor}`);
  if (query.minPrice !== undefined) filters.push(sql`p.min_price >= ${query.minPrice}`);
  if (query.maxPrice !== undefined) filters.push(sql`p.min_price <= ${query.maxPrice}`);
  if (query.minRating !== undefined) filters.push(sql`p.rating_avg >= ${query.minRating}`);
  if (query.inStock !== undefined) filters.push(sql`p.in_stock = ${query.inStock ? 1 : 0}`);
  if (query.attributes) {
    // Every pair must be held by some variant. The pairs are bound as one JSON array, so
    // the statement's variable count stays the same however many pairs there are.
    // Names match [a-z][a-z0-9_]* (the query's schema), so each makes a plain JSON path.
    filters.push(sql`NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(attributePairs(query.attributes))}) wanted
      WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
        AND lower(json_extract(v.attributes, '$.' || json_extract(wanted.value, '$[0]'))) = json_extract(wanted.value, '$[1]')))`);
  }
  return filters;
}

/** `color:Red,size:m` as `[["color", "red"], ["size", "m"]]`; a value may itself hold colons. */
function attributePairs(text: string): [string, string][] {
  return text.split(",").map((pair) => {
    const colon = pair.indexOf(":");
    return [
      pair.slice(0, colon),
      pair
        .slice(colon + 1)
        .trim()
        .toLowerCase(),
    ];
  });
}

/** All three facets in one statement over one materialized result, instead of re-running the filters per facet. */
async function facetsOf(db: DrizzleD1Database, hits: SQL, where: SQL): Promise<Facets> {
  const bucket = sql.raw(
    `CASE ${PRICE_BUCKETS.map((max, i) => `WHEN min_price < ${max} THEN ${i}`).join(" ")} ELSE ${PRICE_BUCKETS.length} END`,
  );
  const rows = await db.all<{
    facet: "category" | "vendor" | "price";
    id: string;
    slug: string | null;
    name: string | null;
    count: number;
  }>(sql`
    WITH matched AS MATERIALIZED (SELECT p.category_id, p.vendor_id, p.min_price FROM products p ${hits} WHERE ${where})
    SELECT * FROM (SELECT 'category' AS facet, c.id, c.slug, c.name, COUNT(*) AS count FROM matched m JOIN categories c ON c.id = m.category_id
      GROUP BY c.id ORDER BY count DESC, c.name LIMIT 50)
    UNION ALL
    SELECT * FROM (SELECT 'vendor' AS facet, v.id, NULL AS slug, v.name, COUNT(*) AS count FROM matched m JOIN vendors v ON v.id = m.vendor_id
      GROUP BY v.id ORDER BY count DESC, v.name LIMIT 50)
    UNION ALL
    SELECT * FROM (SELECT 'price' AS facet, ${bucket} AS id, NULL AS slug, NULL AS name, COUNT(*) AS count FROM matched GROUP BY 2 ORDER BY 2)`);
  const of = (facet: string) => rows.filter((row) => row.facet === facet);
  return {
    categories: of("category").map(({ id, slug, name, count }) => ({ id, slug: slug ?? "", name: name ?? "", count })),
    vendors: of("vendor").map(({ id, name, count }) => ({ id, name: name ?? "", count })),
    prices: of("price").map(({ id, count }) => {
      const index = Number(id);
      return { min: index === 0 ? 0 : (PRICE_BUCKETS[index - 1] ?? 0), max: PRICE_BUCKETS[index] ?? null, count };
    }),
  };
}

function toSummary(row: Row): ProductSummary {
  return {
    id: row.id,
    title: row.title,
    vendorId: row.vendor_id,
    categoryId: row.category_id,
    price: row.min_price,
    currency: row.currency,
    rating: row.rating_avg,
    ratingCount: row.rating_count,
    inStock: row.in_stock === 1,
    imageUrl: row.image_id ? imageUrl(row.image_id) : null,
    createdAt: row.created_at,
  };
}
