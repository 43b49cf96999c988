import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  adminSession,
  api,
  createCategory,
  createProduct,
  eventually,
  expectProblem,
  type Session,
  signUp,
  TINY_PNG,
  vendorSession,
} from "./helpers.ts";
import { JPEG_3X2, WEBP_3X2 } from "./image-fixtures.ts";

interface Summary {
  id: string;
  title: string;
  price: number;
  rating: number;
  inStock: boolean;
  vendorId: string;
}
interface Listing {
  items: Summary[];
  nextCursor: string | null;
  facets: {
    categories: { slug: string; count: number }[];
    vendors: { id: string; count: number }[];
    prices: { min: number; count: number }[];
  };
}

// A word no other test file uses, so these assertions see only this file's products.
const RUN = `zq${crypto
  .randomUUID()
  .slice(0, 6)
  .replace(/[^a-z]/g, "x")}`;
let admin: Session;
let shopper: Session;
let vendorA: Session & { vendorId: string };
let vendorB: Session & { vendorId: string };
const ids: Record<string, string> = {};
const cat: Record<string, string> = {};

/** Signed-in reads skip the edge cache, so they see each change at once. */
async function search(query: string): Promise<Listing> {
  const res = await api("GET", `/api/v1/products?${query}`, { token: shopper.accessToken });
  expect(res.status).toBe(200);
  return res.json<Listing>();
}

beforeAll(async () => {
  admin = await adminSession();
  shopper = await signUp("Shopper");
  vendorA = await vendorSession(admin, `Nordic ${RUN} Ceramics`);
  vendorB = await vendorSession(admin, "Book Nook");
  cat.home = await createCategory(admin, `${RUN}-home`);
  cat.kitchen = await createCategory(admin, `${RUN}-kitchen`, cat.home);
  cat.garden = await createCategory(admin, `${RUN}-garden`, cat.home);
  cat.books = await createCategory(admin, `${RUN}-books`);
  const make = async (
    key: string,
    vendor: Session,
    opts: Parameters<typeof createProduct>[1],
    stock = 5,
    publish = true,
  ) => {
    ids[key] = (await createProduct(vendor, { ...opts, tags: [...(opts.tags ?? []), RUN] }, { stock, publish })).id;
  };
  await make("mug", vendorA, {
    title: "Stoneware coffee mug",
    tags: ["handmade", "ceramic"],
    categoryId: cat.kitchen,
    variants: [
      { price: 1800, attributes: { color: "blue" } },
      { price: 2000, attributes: { color: "white" } },
    ],
  });
  await make("apron", vendorA, {
    title: "Linen apron",
    description: "Goes well with a mug of tea.",
    categoryId: cat.kitchen,
    variants: [{ price: 3500 }],
  });
  await make("trowel", vendorA, {
    title: "Garden trowel",
    categoryId: cat.garden,
    variants: [{ price: 900, attributes: { color: "green" } }],
  });
  await make("can", vendorA, { title: "Watering can", categoryId: cat.garden, variants: [{ price: 2600 }] }, 0);
  await make("novel", vendorB, {
    title: "Mystery novel",
    tags: ["paperback"],
    categoryId: cat.books,
    variants: [{ price: 1500 }],
  });
  await make("draft", vendorA, { title: "Unreleased mug prototype", categoryId: cat.kitchen }, 5, false);
  // Ratings come from reviews (a later domain); arrange them in catalog's table.
  await env.CATALOG_DB.prepare("UPDATE products SET rating_avg = ?, rating_count = 3 WHERE id = ?")
    .bind(4.5, ids.trowel)
    .run();
  await env.CATALOG_DB.prepare("UPDATE products SET rating_avg = ?, rating_count = 3 WHERE id = ?")
    .bind(3.0, ids.mug)
    .run();
  // Stock copies reach listings a moment after each change, and vendors after their approval event.
  await eventually(
    () => search(`q=${RUN}&inStock=true&limit=100`),
    (l) => l.items.length === 4,
  );
});

const titles = (listing: Listing) => listing.items.map((p) => p.title).sort();

describe("full-text search", () => {
  it("finds a product by a title word, by a tag and by its vendor's name, never a draft", async () => {
    expect(titles(await search(`q=mug ${RUN}`))).toEqual(["Linen apron", "Stoneware coffee mug"]);
    expect(titles(await search(`q=handmade ${RUN}`))).toEqual(["Stoneware coffee mug"]);
    expect(titles(await search(`q=nordic ${RUN}`))).toHaveLength(4);
    expect(titles(await search(`q=prototype ${RUN}`))).toEqual([]);
  });

  it("ranks a title match above a description match", async () => {
    const listing = await search(`q=mug ${RUN}&sort=relevance`);
    expect(listing.items.map((p) => p.title)).toEqual(["Stoneware coffee mug", "Linen apron"]);
  });

  it("matches word stems and prefixes", async () => {
    expect(titles(await search(`q=${RUN} mugs`))).toContain("Stoneware coffee mug");
    expect(titles(await search(`q=${RUN} trow`))).toEqual(["Garden trowel"]);
  });
});

describe("filters", () => {
  it("filters by category, subcategories included", async () => {
    expect(titles(await search(`q=${RUN}&category=${RUN}-home`))).toEqual([
      "Garden trowel",
      "Linen apron",
      "Stoneware coffee mug",
      "Watering can",
    ]);
    expect(titles(await search(`q=${RUN}&category=${RUN}-garden`))).toEqual(["Garden trowel", "Watering can"]);
    expect((await search(`q=${RUN}&category=no-such-category`)).items).toEqual([]);
  });

  it("filters by vendor, price range, rating, stock and attributes", async () => {
    expect(titles(await search(`q=${RUN}&vendor=${vendorB.vendorId}`))).toEqual(["Mystery novel"]);
    expect(titles(await search(`q=${RUN}&minPrice=1500&maxPrice=2600`))).toEqual([
      "Mystery novel",
      "Stoneware coffee mug",
      "Watering can",
    ]);
    expect(titles(await search(`q=${RUN}&minRating=4`))).toEqual(["Garden trowel"]);
    expect(titles(await search(`q=${RUN}&inStock=false`))).toEqual(["Watering can"]);
    expect(titles(await search(`q=${RUN}&attributes=color:Blue`))).toEqual(["Stoneware coffee mug"]);
    expect(titles(await search(`q=${RUN}&attributes=color:blue,color:green`))).toEqual([]);
  });

  it("refuses malformed filters with a problem", async () => {
    for (const query of [
      "minPrice=-1",
      "inStock=yes",
      "sort=cheapest",
      "attributes=color",
      "limit=0",
      "cursor=nonsense",
    ]) {
      const res = await api("GET", `/api/v1/products?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });
});

describe("sorting, facets and pagination", () => {
  it("sorts by price both ways, newest and rating", async () => {
    const prices = (await search(`q=${RUN}&sort=price_asc`)).items.map((p) => p.price);
    expect(prices).toEqual([900, 1500, 1800, 2600, 3500]);
    expect((await search(`q=${RUN}&sort=price_desc`)).items.map((p) => p.price)).toEqual([3500, 2600, 1800, 1500, 900]);
    expect((await search(`q=${RUN}&sort=newest`)).items[0]?.title).toBe("Mystery novel");
    expect((await search(`q=${RUN}&sort=rating`)).items.slice(0, 2).map((p) => p.title)).toEqual([
      "Garden trowel",
      "Stoneware coffee mug",
    ]);
  });

  it("counts facets over the whole filtered result", async () => {
    const listing = await search(`q=${RUN}&category=${RUN}-home&limit=1`);
    const counts = Object.fromEntries(listing.facets.categories.map((c) => [c.slug, c.count]));
    expect(counts).toEqual({ [`${RUN}-kitchen`]: 2, [`${RUN}-garden`]: 2 });
    expect(listing.facets.vendors).toEqual([{ id: vendorA.vendorId, name: `Nordic ${RUN} Ceramics`, count: 4 }]);
    const buckets = Object.fromEntries(listing.facets.prices.map((b) => [b.min, b.count]));
    expect(buckets).toEqual({ 0: 1, 1000: 1, 2500: 2 });
  });

  it("pages through every sort without repeating or skipping", async () => {
    for (const sort of ["relevance", "price_asc", "price_desc", "newest", "rating"]) {
      const all = (await search(`q=${RUN}&sort=${sort}&limit=100`)).items.map((p) => p.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Listing = await search(`q=${RUN}&sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        paged.push(...page.items.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged, sort).toEqual(all);
      expect(all).toHaveLength(5);
    }
  });
});

describe("product pages and vendors' catalogs", () => {
  it("shows variants with live availability", async () => {
    const res = await api("GET", `/api/v1/products/${ids.mug}`, { token: shopper.accessToken });
    expect(res.status).toBe(200);
    const product = await res.json<{
      vendorId: string;
      variants: { price: number; currency: string; attributes: object; available: number }[];
    }>();
    expect(product.vendorId).toBe(vendorA.vendorId);
    expect(product.variants).toEqual([
      expect.objectContaining({ price: 1800, currency: "EUR", attributes: { color: "blue" }, available: 5 }),
      expect.objectContaining({ price: 2000, currency: "EUR", attributes: { color: "white" }, available: 5 }),
    ]);
    expect((await api("GET", `/api/v1/products/${ids.draft}`)).status).toBe(404);
  });

  it("refuses mass assignment of vendor, status and rating fields", async () => {
    const base = { title: "Sneaky", categoryId: cat.kitchen, currency: "EUR", variants: [{ price: 100 }] };
    for (const extra of [{ vendorId: vendorB.vendorId }, { status: "active" }, { rating: 5 }, { ratingAvg: 5 }]) {
      const created = await api("POST", "/api/v1/vendor/products", {
        token: vendorA.accessToken,
        body: { ...base, ...extra },
      });
      expect(created.status, JSON.stringify(extra)).toBe(400);
      const patched = await api("PATCH", `/api/v1/vendor/products/${ids.mug}`, {
        token: vendorA.accessToken,
        body: extra,
      });
      expect(patched.status, JSON.stringify(extra)).toBe(400);
    }
  });

  it("keeps the search index in step with edits", async () => {
    const patched = await api("PATCH", `/api/v1/vendor/products/${ids.apron}`, {
      token: vendorA.accessToken,
      body: { title: `Linen pinafore` },
    });
    expect(patched.status).toBe(200);
    expect(titles(await search(`q=pinafore ${RUN}`))).toEqual(["Linen pinafore"]);
    expect(titles(await search(`q=apron ${RUN}`))).toEqual([]);
    await api("PATCH", `/api/v1/vendor/products/${ids.apron}`, {
      token: vendorA.accessToken,
      body: { title: "Linen apron" },
    });
  });

  it("stores images in R2, checking their type and size", async () => {
    const uploaded = await api("POST", `/api/v1/vendor/products/${ids.trowel}/images`, {
      token: vendorA.accessToken,
      body: TINY_PNG,
      headers: { "content-type": "image/png" },
    });
    expect(uploaded.status).toBe(201);
    const { url } = await uploaded.json<{ url: string }>();
    const image = await api("GET", url);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(TINY_PNG);

    const lying = await api("POST", `/api/v1/vendor/products/${ids.trowel}/images`, {
      token: vendorA.accessToken,
      body: TINY_PNG,
      headers: { "content-type": "image/jpeg" },
    });
    expect(lying.status).toBe(415);
    const text = await api("POST", `/api/v1/vendor/products/${ids.trowel}/images`, {
      token: vendorA.accessToken,
      body: new TextEncoder().encode("<svg/>"),
      headers: { "content-type": "image/svg+xml" },
    });
    expect(text.status).toBe(415);
    const huge = new Uint8Array(2 * 1024 * 1024 + 1);
    huge.set(TINY_PNG);
    const big = await api("POST", `/api/v1/vendor/products/${ids.trowel}/images`, {
      token: vendorA.accessToken,
      body: huge,
      headers: { "content-type": "image/png" },
    });
    expect(big.status).toBe(413);
  });

  it("lists a vendor's own products in every status, and only its own", async () => {
    const res = await api("GET", "/api/v1/vendor/products?limit=100", { token: vendorA.accessToken });
    const { items } = await res.json<{ items: { id: string; vendorId: string; status: string }[] }>();
    expect(items.map((p) => p.id)).toEqual(expect.arrayContaining([ids.mug, ids.draft]));
    expect(new Set(items.map((p) => p.vendorId))).toEqual(new Set([vendorA.vendorId]));
  });
});

describe("edge cache", () => {
  it("caches anonymous product reads for at most 30 s, and never signed-in ones", async () => {
    const first = await api("GET", `/api/v1/products/${ids.novel}`);
    expect(first.headers.get("cache-control")).toBe("public, max-age=30, s-maxage=30");
    const second = await api("GET", `/api/v1/products/${ids.novel}`);
    expect(second.headers.get("x-cache")).toBe("hit");
    expect(await second.json()).toEqual(await first.json());
    const signedIn = await api("GET", `/api/v1/products/${ids.novel}`, { token: shopper.accessToken });
    expect(signedIn.headers.get("x-cache")).toBeNull();
  });
});

describe("suspension", () => {
  it("takes a suspended vendor's products out of every listing and page", async () => {
    const res = await api("POST", `/api/v1/admin/vendors/${vendorB.vendorId}/suspend`, {
      token: admin.accessToken,
      body: { reason: "test" },
    });
    expect(res.status).toBe(200);
    await eventually(
      () => search(`q=${RUN}`),
      (l) => !titles(l).includes("Mystery novel"),
    );
    expect((await api("GET", `/api/v1/products/${ids.novel}`, { token: shopper.accessToken })).status).toBe(404);
    expect((await search(`q=${RUN}&limit=100`)).facets.vendors.map((v) => v.id)).not.toContain(vendorB.vendorId);
  });
});

describe("categories", () => {
  it("refuses a duplicate slug with 409, under a parent or not", async () => {
    const body = { name: "Again", slug: `${RUN}-kitchen` };
    await expectProblem(await api("POST", "/api/v1/admin/categories", { token: admin.accessToken, body }), 409);
    await expectProblem(
      await api("POST", "/api/v1/admin/categories", {
        token: admin.accessToken,
        body: { ...body, parentId: cat.books },
      }),
      409,
    );
  });
});

describe("image uploads", () => {
  const upload = (body: Uint8Array, contentType: string) =>
    api("POST", `/api/v1/vendor/products/${ids.draft}/images`, {
      token: vendorA.accessToken,
      body,
      headers: { "content-type": contentType },
    });

  it("accepts a PNG, a JPEG and a WebP and records their dimensions", async () => {
    for (const [body, contentType, width, height] of [
      [TINY_PNG, "image/png", 1, 1],
      [JPEG_3X2, "image/jpeg", 3, 2],
      [WEBP_3X2, "image/webp", 3, 2],
    ] as const) {
      const res = await upload(body, contentType);
      expect(res.status, contentType).toBe(201);
      expect(await res.json(), contentType).toMatchObject({ contentType, width, height });
    }
    const res = await api("GET", `/api/v1/vendor/products/${ids.draft}`, { token: vendorA.accessToken });
    expect(res.status).toBe(200);
    const { images } = await res.json<{ images: { contentType: string; width: number; height: number }[] }>();
    expect(images.map(({ contentType, width, height }) => ({ contentType, width, height }))).toEqual([
      { contentType: "image/png", width: 1, height: 1 },
      { contentType: "image/jpeg", width: 3, height: 2 },
      { contentType: "image/webp", width: 3, height: 2 },
    ]);
  });

  it("refuses a PNG signature followed by HTML, a truncated PNG and HTML after a PNG's end with 415", async () => {
    const html = new TextEncoder().encode("<html><script>alert(document.cookie)</script></html>");
    const concat = (...parts: Uint8Array[]) => {
      const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    };
    for (const [name, body] of [
      ["signature + HTML", concat(TINY_PNG.slice(0, 8), html)],
      ["truncated", TINY_PNG.slice(0, TINY_PNG.length - 20)],
      ["HTML after IEND", concat(TINY_PNG, html)],
    ] as const) {
      const res = await upload(body, "image/png");
      expect(res.status, name).toBe(415);
      await expectProblem(res, 415);
    }
  });

  it("serves images with nosniff, a sandboxing CSP and their own content type", async () => {
    const uploaded = await upload(JPEG_3X2, "image/jpeg");
    expect(uploaded.status).toBe(201);
    const { url } = await uploaded.json<{ url: string }>();
    const image = await api("GET", url);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/jpeg");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(JPEG_3X2);
  });
});

describe("limits", () => {
  interface Detail {
    id: string;
    price: number;
    variants: { sku: string; price: number; attributes: Record<string, string> }[];
  }
  let category: string;
  beforeAll(async () => {
    category = await createCategory(admin, `${RUN}-limits`);
  });
  const sizes = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ price: 1000 + from + i, attributes: { size: `s${from + i}` } }));
  const newProduct = (variants: unknown[]) =>
    api("POST", "/api/v1/vendor/products", {
      token: vendorA.accessToken,
      body: { title: "Many sizes", categoryId: category, currency: "EUR", variants },
    });
  const patch = (id: string, body: unknown) =>
    api("PATCH", `/api/v1/vendor/products/${id}`, { token: vendorA.accessToken, body });
  const read = async (id: string) => {
    const res = await api("GET", `/api/v1/vendor/products/${id}`, { token: vendorA.accessToken });
    expect(res.status).toBe(200);
    return res.json<Detail>();
  };

  it("creates, edits and reads back a product with the maximum 50 variants", async () => {
    const created = await newProduct(sizes(50));
    expect(created.status).toBe(201);
    const product = await created.json<Detail>();
    expect(product.variants.map((v) => v.attributes.size)).toEqual(sizes(50).map((v) => v.attributes.size));

    const edits = product.variants.map((v, i) => ({ sku: v.sku, price: 5000 - i }));
    const patched = await patch(product.id, { variants: edits });
    expect(patched.status).toBe(200);
    const back = await read(product.id);
    expect(back.variants.map((v) => [v.sku, v.price, v.attributes.size])).toEqual(
      edits.map((e, i) => [e.sku, e.price, `s${i}`]),
    );
    expect(back.price).toBe(4951);
  });

  it("adds variants up to the maximum in one edit, and refuses one more with 422", async () => {
    const created = await newProduct(sizes(1));
    expect(created.status).toBe(201);
    const { id } = await created.json<Detail>();
    const added = await patch(id, { variants: sizes(49, 1) });
    expect(added.status).toBe(200);
    expect((await read(id)).variants.map((v) => v.attributes.size)).toEqual(sizes(50).map((v) => v.attributes.size));

    const problem = await expectProblem(await patch(id, { variants: [{ price: 100 }] }), 422);
    expect(problem.errors?.map((e) => e.path)).toEqual(["variants"]);
    expect((await read(id)).variants).toHaveLength(50);
  });

  it("refuses 51 variants in a new product or an edit with 400", async () => {
    const problem = await expectProblem(await newProduct(sizes(51)), 400);
    expect(problem.errors?.map((e) => e.path)).toEqual(["variants"]);
    const created = await newProduct(sizes(1));
    expect(created.status).toBe(201);
    await expectProblem(await patch((await created.json<Detail>()).id, { variants: sizes(51) }), 400);
  });

  it("filters by the maximum 50 attribute pairs, and refuses 51 with 400", async () => {
    const vendor = await vendorSession(admin, "Limits Store");
    const word = `lim${crypto
      .randomUUID()
      .slice(0, 6)
      .replace(/[^a-z]/g, "y")}`;
    // Five variants of ten attributes each: fifty pairs, each held by one variant.
    const variants = Array.from({ length: 5 }, (_, i) => ({
      price: 100 + i,
      attributes: Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`k${i}${j}`, `v${j}`])),
    }));
    const { id } = await createProduct(
      vendor,
      { title: `Widget ${word}`, categoryId: category, variants },
      { publish: true },
    );
    await eventually(
      () => search(`q=${word}`),
      (l) => l.items.length === 1,
    );
    const pairs = variants.flatMap((v) =>
      Object.entries(v.attributes).map(([name, value]) => `${name}:${value.toUpperCase()}`),
    );
    expect(pairs).toHaveLength(50);

    expect((await search(`q=${word}&attributes=${pairs.join(",")}`)).items.map((p) => p.id)).toEqual([id]);
    expect((await search(`q=${word}&attributes=${[...pairs.slice(1), "k00:v1"].join(",")}`)).items).toEqual([]);
    expect((await search(`q=${word}&attributes=k00:v0,k12:v2`)).items.map((p) => p.id)).toEqual([id]);
    const problem = await expectProblem(
      await api("GET", `/api/v1/products?q=${word}&attributes=${[...pairs, "k00:v0"].join(",")}`),
      400,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["attributes"]);
  });
});
