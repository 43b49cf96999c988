import { drizzle } from "drizzle-orm/d1";
import {
  archiveProduct,
  createProduct,
  deleteProduct,
  getVendorProduct,
  listVendorProducts,
  patchProduct,
  publishProduct,
  setStock,
  uploadImage,
} from "#lib/contracts/api/catalog.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { uploadImage as storeImage } from "../services/images.ts";
import * as products from "../services/products.ts";
import { inventoryOf } from "../services/stock.ts";

/** A vendor's own products and stock; every query is scoped to the caller's vendor. */
export const vendorProductRoutes = createRoutes<Env>()
  .openapi(listVendorProducts, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    return c.json(await products.listVendorProducts(drizzle(c.env.DB), requireVendor(c), status, limit, cursor), 200);
  })
  .openapi(createProduct, async (c) =>
    c.json(await products.createProduct(drizzle(c.env.DB), requireVendor(c), c.req.valid("json")), 201),
  )
  .openapi(getVendorProduct, async (c) => {
    const db = drizzle(c.env.DB);
    return c.json(
      await products.detail(
        db,
        await products.ownProduct(db, requireVendor(c), c.req.valid("param").id),
        c.env.INVENTORY,
      ),
      200,
    );
  })
  .openapi(patchProduct, async (c) =>
    c.json(
      await products.updateProduct(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id, c.req.valid("json")),
      200,
    ),
  )
  .openapi(deleteProduct, async (c) => {
    const { r2Keys } = await products.deleteDraft(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id);
    if (r2Keys.length) c.executionCtx.waitUntil(c.env.IMAGES.delete(r2Keys));
    return c.body(null, 204);
  })
  .openapi(publishProduct, async (c) =>
    c.json(await products.setStatus(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id, "active"), 200),
  )
  .openapi(archiveProduct, async (c) =>
    c.json(await products.setStatus(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id, "archived"), 200),
  )
  .openapi(uploadImage, async (c) => {
    const image = await storeImage(
      drizzle(c.env.DB),
      c.env.IMAGES,
      requireVendor(c),
      c.req.valid("param").id,
      c.req.header("content-type") ?? "",
      await c.req.arrayBuffer(),
    );
    return c.json(image, 201);
  })
  .openapi(setStock, async (c) => {
    const { sku } = c.req.valid("param");
    await products.ownSku(drizzle(c.env.DB), requireVendor(c), sku);
    const result = await inventoryOf(c.env.INVENTORY, sku).setStock(sku, c.req.valid("json").onHand);
    if (!result.ok)
      throw new ProblemError(
        409,
        `${result.level.held} units are held by checkouts; stock on hand cannot go below that.`,
        { type: "stock-held" },
      );
    return c.json(result.level, 200);
  });
