import { z } from "@hono/zod-openapi";
import { Currency, MinorUnits } from "#lib/contracts/money.ts";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";
import { Slug } from "./vendors.ts";

export const ProductStatus = z.enum(["draft", "active", "archived"]);
export type ProductStatus = z.infer<typeof ProductStatus>;

export const Category = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), parentId: z.string().nullable(), path: z.string() })
  .openapi("Category");
export type Category = z.infer<typeof Category>;

/** Variants of one product; each is a SKU with its own Inventory object. */
export const MAX_VARIANTS = 50;
/** name:value pairs of the `attributes` filter of a product search. */
export const MAX_ATTRIBUTE_FILTERS = 50;

const Attributes = z
  .record(z.string().regex(/^[a-z][a-z0-9_]{0,30}$/), z.string().trim().min(1).max(60))
  .refine((attrs) => Object.keys(attrs).length <= 10, "At most 10 attributes.");

export const Variant = z
  .object({
    sku: z.string(),
    price: z.number().int(),
    currency: z.string(),
    attributes: z.record(z.string(), z.string()),
    weightGrams: z.number().int(),
    available: z.number().int(),
  })
  .openapi("Variant");
export type Variant = z.infer<typeof Variant>;

export const ProductSummary = z
  .object({
    id: z.string(),
    title: z.string(),
    vendorId: z.string(),
    categoryId: z.string(),
    price: z.number().int().openapi({ description: "Lowest variant price, minor units" }),
    currency: z.string(),
    rating: z.number(),
    ratingCount: z.number().int(),
    inStock: z.boolean(),
    imageUrl: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("ProductSummary");
export type ProductSummary = z.infer<typeof ProductSummary>;

export const ProductImage = z
  .object({
    id: z.string(),
    url: z.string(),
    contentType: z.string(),
    width: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Pixels; null for images stored before dimensions were recorded" }),
    height: z.number().int().nullable(),
  })
  .openapi("ProductImage");
export type ProductImage = z.infer<typeof ProductImage>;

export const ProductDetail = ProductSummary.extend({
  ratingHistogram: z
    .object({ 1: z.number().int(), 2: z.number().int(), 3: z.number().int(), 4: z.number().int(), 5: z.number().int() })
    .openapi({ description: "Visible reviews by number of stars" }),
  description: z.string(),
  tags: z.array(z.string()),
  status: ProductStatus,
  images: z.array(ProductImage),
  variants: z.array(Variant),
  updatedAt: z.string(),
}).openapi("ProductDetail");
export type ProductDetail = z.infer<typeof ProductDetail>;

const WeightGrams = z.number().int().min(0).max(1_000_000);

export const VariantInput = z.strictObject({
  price: MinorUnits,
  attributes: Attributes.default({}),
  weightGrams: WeightGrams.default(0),
});
export type VariantInput = z.infer<typeof VariantInput>;

/** An edit of one variant: only the fields sent change. */
const VariantEdit = z.strictObject({
  sku: z.string().max(64),
  price: MinorUnits.optional(),
  attributes: Attributes.optional(),
  weightGrams: WeightGrams.optional(),
});

const Tags = z.array(z.string().trim().toLowerCase().min(1).max(30)).max(20);

export const ProductInput = z
  .strictObject({
    title: z.string().trim().min(3).max(140),
    description: z.string().trim().max(5000).default(""),
    tags: Tags.default([]),
    categoryId: z.string().min(1).max(64),
    currency: Currency,
    variants: z.array(VariantInput).min(1).max(MAX_VARIANTS),
  })
  .openapi("ProductInput");
export type ProductInput = z.infer<typeof ProductInput>;

/** Status, vendor and ratings are not here: they change through their own routes only. */
export const ProductPatch = z
  .strictObject({
    title: z.string().trim().min(3).max(140).optional(),
    description: z.string().trim().max(5000).optional(),
    tags: Tags.optional(),
    categoryId: z.string().min(1).max(64).optional(),
    /** With a sku: edit that variant. Without: add one. A product keeps at most MAX_VARIANTS in all (more is a 422). */
    variants: z
      .array(z.union([VariantEdit, VariantInput]))
      .max(MAX_VARIANTS)
      .refine((edits) => {
        const skus = edits.flatMap((e) => ("sku" in e ? [e.sku] : []));
        return new Set(skus).size === skus.length;
      }, "Edit each SKU at most once.")
      .optional(),
  })
  .openapi("ProductPatch");
export type ProductPatch = z.infer<typeof ProductPatch>;

export const Sort = z.enum(["relevance", "price_asc", "price_desc", "newest", "rating"]);
export type Sort = z.infer<typeof Sort>;

const boolish = z.enum(["true", "false"]).transform((v) => v === "true");

export const ProductQuery = PageQuery.extend({
  q: z.string().trim().max(200).optional(),
  category: z.string().max(64).optional().openapi({ description: "Category slug; includes its subcategories" }),
  vendor: z.string().max(64).optional().openapi({ description: "Vendor id" }),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  minRating: z.coerce.number().min(0).max(5).optional(),
  inStock: boolish.optional(),
  attributes: z
    .string()
    .max(1000)
    .regex(
      /^[a-z][a-z0-9_]*:[^,]+(,[a-z][a-z0-9_]*:[^,]+)*$/,
      "Use name:value pairs separated by commas, such as color:red,size:m.",
    )
    .refine(
      (pairs) => pairs.split(",").length <= MAX_ATTRIBUTE_FILTERS,
      `At most ${MAX_ATTRIBUTE_FILTERS} name:value pairs.`,
    )
    .optional()
    .openapi({
      description: `Up to ${MAX_ATTRIBUTE_FILTERS} name:value pairs; a product matches when each pair is held by one of its variants`,
    }),
  sort: Sort.optional().openapi({ description: "Defaults to relevance with q, newest without" }),
});
export type ProductQuery = z.infer<typeof ProductQuery>;

export const Facets = z
  .object({
    categories: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string(), count: z.number().int() })),
    vendors: z.array(z.object({ id: z.string(), name: z.string(), count: z.number().int() })),
    prices: z.array(z.object({ min: z.number().int(), max: z.number().int().nullable(), count: z.number().int() })),
  })
  .openapi("Facets");
export type Facets = z.infer<typeof Facets>;

export const StockLevel = z
  .object({ sku: z.string(), onHand: z.number().int(), held: z.number().int(), available: z.number().int() })
  .openapi("StockLevel");

const ProductIdParam = IdParam;

export const listCategories = apiRoute({
  method: "get",
  path: "/api/v1/categories",
  "x-access": "anonymous",
  "x-cache-seconds": 30,
  summary: "The category tree, as a flat list with parent ids and paths",
  operationId: "listCategories",
  description:
    "Answers the whole category tree as a flat list; each category has its parent id and its slug path. Cached at the edge.",
  responses: { 200: jsonResponse(z.object({ items: z.array(Category) }), "All categories") },
});

export const createCategory = apiRoute({
  method: "post",
  path: "/api/v1/admin/categories",
  "x-access": "admin",
  summary: "Add a category",
  operationId: "createCategory",
  description: "Adds a category, optionally under a parent. Slugs are unique (`slug-taken`).",
  request: jsonBody(
    z.strictObject({ name: z.string().trim().min(2).max(60), slug: Slug, parentId: z.string().max(64).optional() }),
  ),
  responses: {
    201: jsonResponse(Category, "The category"),
    404: { description: "No such parent" },
    409: problems("Slug taken", "slug-taken"),
  },
});

export const searchProducts = apiRoute({
  method: "get",
  path: "/api/v1/products",
  "x-access": "anonymous",
  "x-cache-seconds": 30,
  summary: "Search and browse: full text, filters, sorting, facets, cursor pagination",
  operationId: "searchProducts",
  description:
    "Searches products on sale: full text over titles, tags and vendor names, filters by category, vendor, price, rating, stock and variant attributes, with facets. Anonymous answers are cached at the edge briefly.",
  request: { query: ProductQuery },
  responses: {
    200: jsonResponse(
      Page(ProductSummary).extend({ facets: Facets }),
      "A page of products and the facets of the whole result",
    ),
  },
});

export const getProduct = apiRoute({
  method: "get",
  path: "/api/v1/products/{id}",
  "x-access": "anonymous",
  "x-cache-seconds": 30,
  summary: "A product page with its variants and live availability",
  operationId: "getProduct",
  description:
    "Answers a product on sale with its images, variants and live availability; drafts, archived products and those of suspended vendors are a 404.",
  request: { params: ProductIdParam },
  responses: { 200: jsonResponse(ProductDetail, "The product"), 404: { description: "No such product on sale" } },
});

export const getImage = apiRoute({
  method: "get",
  path: "/api/v1/images/{id}",
  "x-access": "anonymous",
  summary: "A product image",
  operationId: "getImage",
  description: "Answers an image's bytes with its Content-Type; cacheable for a long time (images never change).",
  request: { params: IdParam },
  responses: { 200: { description: "The image bytes" }, 404: { description: "No such image" } },
});

export const listVendorProducts = apiRoute({
  method: "get",
  path: "/api/v1/vendor/products",
  "x-access": "vendor",
  summary: "The store's products in every status, newest first",
  operationId: "listVendorProducts",
  description: "Lists the caller's store's products in every status, newest first.",
  request: { query: PageQuery.extend({ status: ProductStatus.optional() }) },
  responses: { 200: jsonResponse(Page(ProductDetail), "A page of the store's products") },
});

export const createProduct = apiRoute({
  method: "post",
  path: "/api/v1/vendor/products",
  "x-access": "vendor",
  summary: "Create a draft product with its variants (each variant is a SKU)",
  operationId: "createProduct",
  description:
    "Creates a draft with its variants; each variant becomes a SKU with its own stock (zero until set). A category that does not exist is `unknown-reference`.",
  request: jsonBody(ProductInput),
  responses: { 201: jsonResponse(ProductDetail, "The draft"), 422: problems("No such category", "unknown-reference") },
});

export const getVendorProduct = apiRoute({
  method: "get",
  path: "/api/v1/vendor/products/{id}",
  "x-access": "vendor",
  summary: "One of the store's products, in any status",
  operationId: "getVendorProduct",
  description: "Answers one of the caller's store's products in any status; another store's product is a 404.",
  request: { params: ProductIdParam },
  responses: { 200: jsonResponse(ProductDetail, "The product"), 404: { description: "Not a product of this store" } },
});

export const patchProduct = apiRoute({
  method: "patch",
  path: "/api/v1/vendor/products/{id}",
  "x-access": "vendor",
  summary: "Edit a product and its variants",
  operationId: "updateProduct",
  description:
    "Edits a product's fields and variants: a variant with a sku is edited, one without is added. Unknown SKUs or categories are `unknown-reference`; a concurrent edit is `edit-conflict`.",
  request: { params: ProductIdParam, ...jsonBody(ProductPatch) },
  responses: {
    200: jsonResponse(ProductDetail, "The product"),
    404: { description: "Not a product of this store" },
    409: problems("Variants were added meanwhile; reload and retry", "edit-conflict"),
    422: problems(`No such category or SKU, or more than ${MAX_VARIANTS} variants in all`, "unknown-reference"),
  },
});

export const deleteProduct = apiRoute({
  method: "delete",
  path: "/api/v1/vendor/products/{id}",
  "x-access": "vendor",
  summary: "Delete a draft (published products are archived instead)",
  operationId: "deleteProduct",
  description:
    "Deletes a draft and its variants; a product that was ever published is archived instead (`not-a-draft`).",
  request: { params: ProductIdParam },
  responses: {
    204: { description: "Deleted" },
    404: { description: "Not a product of this store" },
    409: problems("Not a draft", "not-a-draft"),
  },
});

function productAction<A extends string>(action: A, summary: string) {
  return apiRoute({
    method: "post",
    path: `/api/v1/vendor/products/{id}/${action}` as `/api/v1/vendor/products/{id}/${A}`,
    "x-access": "vendor",
    summary,
    operationId: `${action}Product`,
    description: `${summary}. Answers the product in its new status.`,
    request: { params: ProductIdParam },
    responses: { 200: jsonResponse(ProductDetail, "The product"), 404: { description: "Not a product of this store" } },
  });
}

export const publishProduct = productAction("publish", "Put a draft or archived product on sale");
export const archiveProduct = productAction("archive", "Take a product off sale");

export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Largest width or height of an image, in pixels. */
export const MAX_IMAGE_SIDE = 10_000;

export const uploadImage = apiRoute({
  method: "post",
  path: "/api/v1/vendor/products/{id}/images",
  "x-access": "vendor",
  "x-max-body-bytes": MAX_IMAGE_BYTES,
  summary: "Upload an image (PNG, JPEG or WebP, up to 2 MiB) as the raw request body",
  operationId: "uploadProductImage",
  description:
    "Stores an image sent as the raw body with its Content-Type. The bytes must be a well-formed PNG, JPEG or WebP of the declared type (`image-refused`); a product keeps a bounded number of images (`limit-reached`).",
  request: {
    params: ProductIdParam,
    body: {
      content: Object.fromEntries(
        IMAGE_TYPES.map((type) => [type, { schema: z.string().openapi({ format: "binary" }) }]),
      ),
      required: true,
    },
  },
  responses: {
    201: jsonResponse(ProductImage, "Stored"),
    404: { description: "Not a product of this store" },
    409: problems("The product has its maximum of images", "limit-reached"),
    413: { description: "Too large" },
    415: problems(
      `Not a well-formed PNG, JPEG or WebP image of 1 to ${MAX_IMAGE_SIDE} pixels per side, or not of the declared Content-Type`,
      "image-refused",
    ),
  },
});

export const setStock = apiRoute({
  method: "put",
  path: "/api/v1/vendor/inventory/{sku}",
  "x-access": "vendor",
  summary: "Set a SKU's stock on hand",
  operationId: "setStock",
  description: "Sets a SKU's units on hand; it cannot go below the units held by checkouts in progress (`stock-held`).",
  request: {
    params: z.object({ sku: z.string().min(1).max(64) }),
    ...jsonBody(z.strictObject({ onHand: z.number().int().min(0).max(1_000_000) })),
  },
  responses: {
    200: jsonResponse(StockLevel, "The new level"),
    404: { description: "Not a SKU of this store" },
    409: problems("Fewer than the units held by checkouts", "stock-held"),
  },
});

export const catalogRoutes = [
  listCategories,
  createCategory,
  searchProducts,
  getProduct,
  getImage,
  listVendorProducts,
  createProduct,
  getVendorProduct,
  patchProduct,
  deleteProduct,
  publishProduct,
  archiveProduct,
  uploadImage,
  setStock,
];
