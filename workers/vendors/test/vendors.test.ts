import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { Actor } from "#lib/contracts/actor.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { staff as staffTable } from "../src/db/schema.ts";
import * as staff from "../src/services/staff.ts";
import * as vendors from "../src/services/vendors.ts";

const db = drizzle(env.DB);
const meta = { traceId: "trace-test" };
let n = 0;
const user = (): Actor => ({ sub: `usr_test_${++n}`, roles: ["customer"] });
const apply = (actor: Actor, slug: string) =>
  vendors.apply(db, actor, `${actor.sub}@example.com`, { name: "Store", slug, description: "" }, 1000, meta);

/** What each racing call came to: "ok", or the status of the problem it threw (anything else is rethrown). */
async function outcomes(calls: Promise<unknown>[]): Promise<(number | "ok")[]> {
  const settled = await Promise.allSettled(calls);
  return settled.map((result) => {
    if (result.status === "fulfilled") return "ok";
    if (result.reason instanceof ProblemError) return result.reason.status;
    throw result.reason;
  });
}

// Calls started together all read before any of them writes, so each race below
// gets past the services' look-ups and is settled by the database's constraints.
describe("races settled by constraints answer 409", () => {
  it("lets one of several applications for the same slug win", async () => {
    const results = await outcomes([1, 2, 3].map(() => apply(user(), "racing-slug")));
    expect(results.sort()).toEqual([409, 409, "ok"]);
  });

  it("gives a user applying for several stores at once only one", async () => {
    const actor = user();
    const results = await outcomes(["first-store", "second-store"].map((slug) => apply(actor, slug)));
    expect(results.sort()).toEqual([409, "ok"]);
    expect(await db.select().from(staffTable).where(eq(staffTable.userId, actor.sub))).toHaveLength(1);
  });

  it("applies only one of two decisions made at once on a pending vendor", async () => {
    const admin: Actor = { sub: "usr_admin", roles: ["customer", "admin"] };
    const { id } = await apply(user(), "decided-once");
    const results = await outcomes([
      vendors.decide(db, id, "approve", {}, admin, meta),
      vendors.decide(db, id, "reject", {}, admin, meta),
    ]);
    expect(results).toEqual(["ok", 409]);
    expect((await vendors.byId(db, id)).status).toBe("approved");
  });

  it("refuses adding as staff a user who already belongs to a vendor", async () => {
    const owner = user();
    const { id } = await apply(owner, "hiring-store");
    const profile = { id: owner.sub, email: `${owner.sub}@example.com`, name: "Owner" };
    await expect(staff.add(db, id, profile)).rejects.toMatchObject({ status: 409 });
    const hire = { id: user().sub, email: "hire@example.com", name: "Hire" };
    const results = await outcomes([staff.add(db, id, hire), staff.add(db, id, hire)]);
    expect(results).toEqual(["ok", 409]);
  });
});
