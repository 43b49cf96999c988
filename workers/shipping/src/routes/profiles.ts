import { drizzle } from "drizzle-orm/d1";
import {
  createShippingProfile,
  deleteShippingProfile,
  getShippingProfile,
  listShippingProfiles,
  replaceShippingProfile,
} from "#lib/contracts/api/shipping.ts";
import { createRoutes, requireVendor } from "#lib/http/app.ts";
import * as profiles from "../services/profiles.ts";

export const profileRoutes = createRoutes<Env>()
  .openapi(listShippingProfiles, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await profiles.list(drizzle(c.env.DB), requireVendor(c), limit, cursor), 200);
  })
  .openapi(createShippingProfile, async (c) =>
    c.json(await profiles.create(drizzle(c.env.DB), requireVendor(c), c.req.valid("json")), 201),
  )
  .openapi(getShippingProfile, async (c) =>
    c.json(await profiles.get(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id), 200),
  )
  .openapi(replaceShippingProfile, async (c) =>
    c.json(
      await profiles.replace(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id, c.req.valid("json")),
      200,
    ),
  )
  .openapi(deleteShippingProfile, async (c) => {
    await profiles.remove(drizzle(c.env.DB), requireVendor(c), c.req.valid("param").id);
    return c.body(null, 204);
  });
