import { drizzle } from "drizzle-orm/d1";
import type { Context } from "hono";
import {
  adminListVendors,
  applyForVendor,
  approveVendor,
  getMyVendor,
  getMyVendorApplication,
  getVendorBySlug,
  patchMyVendor,
  rejectVendor,
  suspendVendor,
} from "#lib/contracts/api/vendors.ts";
import { rpc, type UsersRpc } from "#lib/contracts/rpc.ts";
import { createRoutes, requireActor, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import * as vendors from "../services/vendors.ts";

export const vendorRoutes = createRoutes<Env>()
  .openapi(applyForVendor, async (c) => {
    const actor = requireActor(c);
    const profile = await rpc<UsersRpc>(c.env.USERS).profile(actor.sub);
    if (!profile) throw new ProblemError(404, "No such account.");
    const db = drizzle(c.env.DB);
    const vendor = await withOutbox(c.env, c.executionCtx, () =>
      vendors.apply(db, actor, profile.email, c.req.valid("json"), Number(c.env.DEFAULT_COMMISSION_BPS), {
        traceId: c.get("traceId"),
      }),
    );
    return c.json(vendor, 201);
  })
  .openapi(getVendorBySlug, async (c) =>
    c.json(await vendors.publicBySlug(drizzle(c.env.DB), c.req.valid("param").slug), 200),
  )
  .openapi(getMyVendorApplication, async (c) =>
    c.json(vendors.toVendor(await vendors.ofMember(drizzle(c.env.DB), requireActor(c).sub)), 200),
  )
  .openapi(getMyVendor, async (c) =>
    c.json(vendors.toVendor(await vendors.byId(drizzle(c.env.DB), requireVendor(c))), 200),
  )
  .openapi(patchMyVendor, async (c) => {
    const db = drizzle(c.env.DB);
    const vendor = await withOutbox(c.env, c.executionCtx, () =>
      vendors.updateProfile(db, requireVendor(c), c.req.valid("json"), { traceId: c.get("traceId") }),
    );
    return c.json(vendor, 200);
  })
  .openapi(adminListVendors, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    return c.json(await vendors.list(drizzle(c.env.DB), status, limit, cursor), 200);
  })
  .openapi(approveVendor, (c) => decide(c, "approve", c.req.valid("param").id, c.req.valid("json")))
  .openapi(rejectVendor, (c) => decide(c, "reject", c.req.valid("param").id, c.req.valid("json")))
  .openapi(suspendVendor, (c) => decide(c, "suspend", c.req.valid("param").id, c.req.valid("json")));

async function decide(
  c: Context<{ Bindings: Env }>,
  decision: "approve" | "reject" | "suspend",
  id: string,
  body: { reason?: string; commissionBps?: number },
) {
  const db = drizzle(c.env.DB);
  const vendor = await withOutbox(c.env, c.executionCtx, () =>
    vendors.decide(db, id, decision, body, requireActor(c), { traceId: c.get("traceId") }),
  );
  return c.json(vendor, 200);
}
