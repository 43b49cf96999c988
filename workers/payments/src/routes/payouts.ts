import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { getPayouts, refundOrder, startOnboarding } from "../../../../lib/contracts/api/payments.ts";
import { createRoutes, requireActor, requireVendor } from "../../../../lib/http/app.ts";
import { ProblemError } from "../../../../lib/http/problem.ts";
import { withOutbox } from "../../../../lib/outbox/relay.ts";
import { accounts, payments, shares } from "../db/schema.ts";
import { vendorLedger } from "../services/ledger.ts";
import { refund } from "../services/refunds.ts";
import { stripeClient } from "../services/stripe.ts";

export const payoutRoutes = createRoutes<Env>()
  .openapi(getPayouts, async (c) => {
    const vendorId = requireVendor(c);
    const db = drizzle(c.env.DB);
    const [account] = await db.select().from(accounts).where(eq(accounts.vendorId, vendorId));
    const { limit, cursor } = c.req.valid("query");
    const page = await vendorLedger(db, vendorId, limit, cursor);
    return c.json({ account: account ? { id: account.accountId, payoutsEnabled: account.payoutsEnabled } : null, ...page }, 200);
  })
  .openapi(startOnboarding, async (c) => {
    const vendorId = requireVendor(c);
    const db = drizzle(c.env.DB);
    const stripe = stripeClient(c.env);
    const body = c.req.valid("json");
    let [account] = await db.select().from(accounts).where(eq(accounts.vendorId, vendorId));
    if (!account) {
      const created = await stripe.accounts.create({ type: "express", metadata: { vendor_id: vendorId } }, { idempotencyKey: `account-${vendorId}` });
      await db.insert(accounts).values({ vendorId, accountId: created.id, payoutsEnabled: false, updatedAt: new Date().toISOString() }).onConflictDoNothing();
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
    const { subOrderId, amount, reason } = c.req.valid("json");
    const db = drizzle(c.env.DB);
    // A vendor refunds only its own sub-orders; an admin any.
    const vendorScope = actor.roles.includes("admin") ? undefined : requireVendor(c);
    const [share] = await db
      .select()
      .from(shares)
      .where(and(eq(shares.orderId, orderId), eq(shares.subOrderId, subOrderId), vendorScope ? eq(shares.vendorId, vendorScope) : undefined));
    const [payment] = await db.select().from(payments).where(eq(payments.orderId, orderId));
    if (!share || !payment) throw new ProblemError(404, "No such paid sub-order.");
    const result = await withOutbox(c.env, c.executionCtx, () =>
      refund(db, stripeClient(c.env), {
        payment,
        share,
        amount: amount ?? share.gross - share.refunded,
        reason,
        idempotencyKey: `${subOrderId}-${c.req.valid("header")["idempotency-key"]}`,
        traceId: c.get("traceId"),
      }),
    );
    return c.json(result, 200);
  });
