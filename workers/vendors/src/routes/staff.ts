import { drizzle } from "drizzle-orm/d1";
import { addStaff, listStaff, removeStaff } from "#lib/contracts/api/vendors.ts";
import { rpc, type UsersRpc } from "#lib/contracts/rpc.ts";
import { createRoutes, requireActor, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import * as staff from "../services/staff.ts";

export const staffRoutes = createRoutes<Env>()
  .openapi(listStaff, async (c) => c.json({ items: await staff.list(drizzle(c.env.DB), requireVendor(c)) }, 200))
  .openapi(addStaff, async (c) => {
    const db = drizzle(c.env.DB);
    const vendorId = requireVendor(c);
    await staff.requireOwner(db, vendorId, requireActor(c).sub);
    const user = await rpc<UsersRpc>(c.env.USERS).profileByEmail(c.req.valid("json").email);
    if (!user) throw new ProblemError(404, "No account with that email.");
    return c.json(await staff.add(db, vendorId, user), 201);
  })
  .openapi(removeStaff, async (c) => {
    const db = drizzle(c.env.DB);
    const vendorId = requireVendor(c);
    await staff.requireOwner(db, vendorId, requireActor(c).sub);
    await staff.remove(db, vendorId, c.req.valid("param").userId);
    return c.body(null, 204);
  });
