import { drizzle } from "drizzle-orm/d1";
import { getImage, getProduct, listCategories, searchProducts } from "#lib/contracts/api/catalog.ts";
import { createRoutes } from "#lib/http/app.ts";
import { listCategories as categories } from "../services/categories.ts";
import { imageResponse } from "../services/images.ts";
import { detail, publicProduct } from "../services/products.ts";
import { searchProducts as search } from "../services/search.ts";

/** What any shopper can read. */
export const browseRoutes = createRoutes<Env>()
  .openapi(listCategories, async (c) => c.json({ items: await categories(drizzle(c.env.DB)) }, 200))
  .openapi(searchProducts, async (c) => c.json(await search(drizzle(c.env.DB), c.req.valid("query")), 200))
  .openapi(getProduct, async (c) => {
    const db = drizzle(c.env.DB);
    const product = await publicProduct(db, c.req.valid("param").id);
    return c.json(await detail(db, product, c.env.INVENTORY), 200);
  })
  .openapi(getImage, async (c) => imageResponse(drizzle(c.env.DB), c.env.IMAGES, c.req.valid("param").id));
