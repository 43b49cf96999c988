import { drizzle } from "drizzle-orm/d1";
import { createCategory } from "#lib/contracts/api/catalog.ts";
import { createRoutes } from "#lib/http/app.ts";
import * as categories from "../services/categories.ts";

export const adminRoutes = createRoutes<Env>().openapi(createCategory, async (c) =>
  c.json(await categories.createCategory(drizzle(c.env.DB), c.req.valid("json")), 201),
);
