import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getPayouts, refundOrder, startOnboarding } from "#lib/contracts/api/payments.ts";
import { createRoutes, requireActor, requireVendor } from "#lib/http/app.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { accounts, shares } from "../db/schema.ts";
import { vendorLedger } from "../services/ledger.ts";
import { refund } from "../services/refunds.ts";
import { stripeClient } from "../services/stripe.ts";

/** Where Stripe may send a vendor back: https only, or the configured dashboard's origin (http://localhost locally). */
function isAllowedReturnUrl(value: string, dashboard: string): boolean {
  const url = URL.parse(value);
  return url !== null && (url.protocol === "https:" || url.origin === URL.parse(dashboard)?.origin);
}

export const payoutRoutes = createRoutes<Env>()
  .openapi(getPayouts, async (c) => {
    const vendorId = requireVendor(c);
    const db = drizzle(c.env.DB);
    const [account] = await db.select().from(accounts).where(eq(accounts.vendorId, vendorId));
    const { limit, cursor } = c.req.valid("query");
    const page = await vendorLedger(db, vendorId, limit, cursor);
    return c.json(
      { account: account ? { id: account.accountId, payoutsEnabled: account.payoutsEnabled } : null, ...page },
      200,
    );
  })
  .openapi(startOnboarding, async (c) => {
    const vendorId = requireVendor(c);
    const db = drizzle(c.env.DB);
    const stripe = stripeClient(c.env);
    const body = c.req.valid("json");
    for (const field of ["returnUrl", "refreshUrl"] as const) {
      const url = body[field];
      if (url !== undefined && !isAllowedReturnUrl(url, c.env.ONBOARDING_RETURN_URL)) {
        throw new ProblemError(400, "The request json is invalid.", {
          errors: [{ path: field, message: "Use an https: address, or one on the dashboard's own origin." }],
        });
      }
    }
    let [account] = await db.select().from(accounts).where(eq(accounts.vendorId, vendorId));
    if (!account) {
      const created = await stripe.accounts.create(
        { type: "express", metadata: { vendor_id: vendorId } },
        { idempotencyKey: `account-${vendorId}` },
      );
      await db
        .insert(accounts)
        .values({ vendorId, accountId: created.id, payoutsEnabled: false, updatedAt: new Date().toISOString() })
        .onConflictDoNothing();
      [account] = await db.select().from(accounts).where(eq(accounts.vendorId, vendorId));
    }
    if (!account) throw new ProblemError(503, "The connected account could not be recorded; retry.");
    const link = await stripe.accountLinks.create({
      account: account.accountId,
      type: "account_onboarding",
      return_url: body.returnUrl ?? c.env.ONBOARDING_RETURN_URL,
      refresh_url: body.refreshUrl ?? c.env.ONBOARDING_RETURN_URL,
    });
    return c.json({ accountId: account.accountId, url: link.url }, 200);
  })
  .openapi(refundOrder, async (c) => {
    const actor = requireActor(c);
    const { id: orderId } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = drizzle(c.env.DB);
    // A vendor refunds only its own sub-orders; an admin any.
    const vendorScope = actor.roles.includes("admin") ? undefined : requireVendor(c);
    const [share] = await db
      .select({ subOrderId: shares.subOrderId })
      .from(shares)
      .where(
        and(
          eq(shares.orderId, orderId),
          eq(shares.subOrderId, body.subOrderId),
          vendorScope ? eq(shares.vendorId, vendorScope) : undefined,
        ),
      );
    if (!share) throw new ProblemError(404, "No such paid sub-order.");
    const result = await withOutbox(c.env, c.executionCtx, () =>
      refund(db, stripeClient(c.env), {
        orderId,
        subOrderId: body.subOrderId,
        amount: body.amount,
        reason: body.reason,
        idempotencyKey: `client:${c.req.valid("header")["idempotency-key"]}`,
        requestHash: JSON.stringify([body.subOrderId, body.amount ?? null, body.reason ?? null]),
        traceId: c.get("traceId"),
      }),
    );
    return c.json(result, 200);
  });
