// A generated catalog for the benchmark, written straight into the catalog's D1 in large multi-row INSERTs.
// Titles draw words from Zipf-distributed lists, so one word is common and the tail is rare, as in a real shop.
import { readdirSync, readFileSync } from "node:fs";
import type { D1Database } from "@cloudflare/workers-types/experimental";

const ROOT = new URL("../../", import.meta.url);

const CATEGORY_TREE: Record<string, string[]> = {
  home: ["furniture", "lighting", "textiles"],
  kitchen: ["cookware", "tableware", "pantry"],
  garden: ["tools", "planters", "seeds"],
  clothing: ["tops", "outerwear", "accessories"],
  books: ["fiction", "cookbooks", "essays"],
  toys: ["puzzles", "games", "crafts"],
};

const VENDOR_NAMES = [
  "Alder",
  "Birch",
  "Cedar",
  "Dogwood",
  "Elm",
  "Fir",
  "Ginkgo",
  "Hazel",
  "Ivy",
  "Juniper",
  "Kauri",
  "Larch",
  "Maple",
  "Nutmeg",
  "Olive",
  "Poplar",
  "Quince",
  "Rowan",
  "Spruce",
  "Tamarind",
].map((tree) => `${tree} Trading`);

const ADJECTIVES =
  "classic rustic modern compact vintage handmade minimal sturdy soft bright quiet bold tiny large round square slim deep light heavy warm cool natural painted polished woven folding stackable portable everyday".split(
    " ",
  );
const MATERIALS =
  "cotton oak steel linen ceramic wool walnut glass leather bamboo copper brass stone clay silk marble cork jute hemp pewter".split(
    " ",
  );
// Ordered by popularity: the first is in about one title in six, the last in about one in a thousand.
const NOUNS = (
  "mug lamp chair blanket bowl table candle basket vase shirt plate rug jacket cushion kettle shelf apron scarf teapot " +
  "planter trowel notebook puzzle towel spoon knife board tray jar pot pan skillet whisk ladle colander grater stool bench " +
  "desk cabinet mirror clock frame hook rack bin crate box bag wallet belt hat cap glove sock sweater cardigan hoodie coat " +
  "vest dress skirt trousers shorts boot sandal slipper pillow duvet sheet quilt curtain blind lantern sconce pendant " +
  "bulb diffuser soap brush comb razor journal pencil easel canvas yarn needle thimble bobbin loom kite yoyo spinner " +
  "domino chess abacus rattle teether saddle trellis sprinkler hose rake hoe shears pruner wheelbarrow birdhouse " +
  "compass sundial gazebo hammock zither ocarina"
).split(" ");

export const COMMON_WORD = NOUNS[0] ?? "mug";
export const RARE_WORD = NOUNS[NOUNS.length - 2] ?? "zither";
export const BROWSE_CATEGORY = "kitchen";

const COLORS = ["black", "white", "blue", "green", "red", "natural", "grey"];
const SIZES = ["s", "m", "l", "xl"];
// D1 refuses SQL statements longer than 100 kB (its documented limit).
const MAX_STATEMENT_BYTES = 90_000;

/** Applies migrations/catalog/*.sql; each file's statements are separated by drizzle's breakpoints (a trigger is one statement). */
export async function migrateCatalog(db: D1Database): Promise<void> {
  const dir = new URL("migrations/catalog/", ROOT);
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    const statements = readFileSync(new URL(file, dir), "utf8")
      .split("--> statement-breakpoint")
      .map((statement) => statement.trim())
      .filter((statement) => statement.length > 0);
    await db.batch(statements.map((statement) => db.prepare(statement)));
  }
}

/** Categories, approved vendors, `products` products and their variants; returns a SKU for the hot-SKU test. */
export async function seedCatalog(db: D1Database, products: number): Promise<{ hotSku: string }> {
  const random = mulberry32(20_261_117);
  const now = Date.parse("2026-11-01T00:00:00Z");
  const leaves: { id: string; path: string }[] = [];
  const categories: string[][] = [];
  for (const [root, children] of Object.entries(CATEGORY_TREE)) {
    const rootId = `cat_${root}`;
    categories.push([rootId, root, title(root), null, `/${root}/`, iso(now)].map(sqlValue));
    for (const child of children) {
      leaves.push({ id: `cat_${child}`, path: `/${root}/${child}/` });
      categories.push([`cat_${child}`, child, title(child), rootId, `/${root}/${child}/`, iso(now)].map(sqlValue));
    }
  }
  const vendors = VENDOR_NAMES.map((name, i) => [
    `ven_${pad(i + 1, 6)}`,
    name.toLowerCase().replace(" ", "-"),
    name,
    "approved",
    iso(now),
  ]);
  const statements = [
    ...insertRows("categories (id, slug, name, parent_id, path, created_at)", categories),
    ...insertRows(
      "vendors (id, slug, name, status, updated_at)",
      vendors.map((row) => row.map(sqlValue)),
    ),
  ];

  const pickAdjective = zipf(ADJECTIVES, random);
  const pickMaterial = zipf(MATERIALS, random);
  const pickNoun = zipf(NOUNS, random);
  const productRows: string[][] = [];
  const variantRows: string[][] = [];
  for (let i = 1; i <= products; i++) {
    const id = `prd_${pad(i, 10)}`;
    const vendor = vendors[Math.floor(random() * vendors.length)]?.[0] ?? "";
    const category = leaves[Math.floor(random() * leaves.length)] ?? { id: "", path: "" };
    const [adjective, material, noun] = [pickAdjective(), pickMaterial(), pickNoun()];
    const variantCount = 1 + Math.floor(random() * 3);
    const basePrice = 500 + Math.floor(random() * 300) * 100;
    let minPrice = Number.POSITIVE_INFINITY;
    let inStock = 0;
    for (let v = 0; v < variantCount; v++) {
      const price = basePrice + v * 200;
      const available = random() < 0.85 ? Math.floor(random() * 50) : 0;
      minPrice = Math.min(minPrice, price);
      if (available > 0) inStock = 1;
      const attributes = JSON.stringify(
        noun.length % 2 === 0 ? { color: COLORS[v % COLORS.length] } : { size: SIZES[v % SIZES.length] },
      );
      variantRows.push(
        [
          `sku_${pad(i, 10)}_${v}`,
          id,
          vendor,
          price,
          "EUR",
          attributes,
          100 + Math.floor(random() * 2000),
          v,
          available,
          0,
        ].map(sqlValue),
      );
    }
    const created = iso(now - (products - i) * 60_000);
    productRows.push(
      [
        id,
        i,
        vendor,
        `${title(adjective)} ${material} ${noun}`,
        `A ${adjective} ${noun} made of ${material}, ${pickAdjective()} and ${pickAdjective()}. Ships within two days.`,
        JSON.stringify([material, pickNoun()]),
        category.id,
        category.path,
        "active",
        "EUR",
        minPrice,
        inStock,
        Math.round(random() * 50) / 10,
        Math.floor(random() * 400),
        created,
        created,
      ].map(sqlValue),
    );
  }
  statements.push(
    ...insertRows(
      "products (id, doc_id, vendor_id, title, description, tags, category_id, category_path, status, currency, min_price, in_stock, rating_avg, rating_count, created_at, updated_at)",
      productRows,
    ),
    ...insertRows(
      "variants (sku, product_id, vendor_id, price, currency, attributes, weight_grams, position, available, stock_version)",
      variantRows,
    ),
  );
  for (let i = 0; i < statements.length; i += 8) {
    await db.batch(statements.slice(i, i + 8).map((statement) => db.prepare(statement)));
  }
  return { hotSku: `sku_${pad(1, 10)}_0` };
}

/** Multi-row INSERTs of already quoted values, each under D1's statement size limit. */
function insertRows(target: string, rows: string[][]): string[] {
  const statements: string[] = [];
  let values: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const tuple = `(${row.join(",")})`;
    if (bytes + tuple.length > MAX_STATEMENT_BYTES && values.length > 0) {
      statements.push(`INSERT INTO ${target} VALUES ${values.join(",")}`);
      values = [];
      bytes = 0;
    }
    values.push(tuple);
    bytes += tuple.length + 1;
  }
  if (values.length > 0) statements.push(`INSERT INTO ${target} VALUES ${values.join(",")}`);
  return statements;
}

function sqlValue(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

/** Draws from `words` with probability proportional to 1 / rank. */
function zipf(words: string[], random: () => number): () => string {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= words.length; rank++) {
    total += 1 / rank;
    cumulative.push(total);
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return words[lo] ?? "";
  };
}

/** A small seeded PRNG, so every run generates the same catalog. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
const iso = (ms: number) => new Date(ms).toISOString();
const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
