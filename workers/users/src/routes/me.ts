import { drizzle } from "drizzle-orm/d1";
import { createAddress, deleteAddress, getMe, listAddresses, patchAddress, patchMe } from "#lib/contracts/api/users.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import * as addresses from "../services/addresses.ts";
import { getProfile, updateProfile } from "../services/profiles.ts";

/** Everything under /me is the caller's own: every query is scoped by the actor. */
export const meRoutes = createRoutes<Env>()
  .openapi(getMe, async (c) => c.json(await getProfile(drizzle(c.env.DB), c.env.AUTH, requireActor(c).sub), 200))
  .openapi(patchMe, async (c) =>
    c.json(await updateProfile(drizzle(c.env.DB), c.env.AUTH, requireActor(c).sub, c.req.valid("json")), 200),
  )
  .openapi(listAddresses, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    return c.json(await addresses.listAddresses(drizzle(c.env.DB), requireActor(c).sub, limit, cursor), 200);
  })
  .openapi(createAddress, async (c) => {
    return c.json(await addresses.createAddress(drizzle(c.env.DB), requireActor(c).sub, c.req.valid("json")), 201);
  })
  .openapi(patchAddress, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await addresses.updateAddress(drizzle(c.env.DB), requireActor(c).sub, id, c.req.valid("json")), 200);
  })
  .openapi(deleteAddress, async (c) => {
    await addresses.deleteAddress(drizzle(c.env.DB), requireActor(c).sub, c.req.valid("param").id);
    return c.body(null, 204);
  });
