import { drizzle } from "drizzle-orm/d1";
import { stripeWebhook } from "#lib/contracts/api/payments.ts";
import { createRoutes } from "#lib/http/app.ts";
import { log } from "#lib/http/log.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { settleHeldShares } from "../services/shares.ts";
import { stripeClient } from "../services/stripe.ts";
import { applyEvent, verifiedEvent } from "../services/webhooks.ts";

/** Stripe's webhook: the raw body is verified before anything is read from it. */
export const webhookRoutes = createRoutes<Env>().openapi(
  // No body validator here: the signature covers the exact bytes, so the body is read as text, then verified.
  { ...stripeWebhook, request: {} },
  async (c) => {
    const stripe = stripeClient(c.env);
    const event = await verifiedEvent(
      stripe,
      await c.req.text(),
      c.req.header("stripe-signature"),
      c.env.STRIPE_WEBHOOK_SECRET,
    );
    const db = drizzle(c.env.DB);
    const { result, settleVendor } = await withOutbox(c.env, c.executionCtx, () =>
      applyEvent(db, event, c.get("traceId")),
    );
    log("info", "payments", {
      msg: "stripe event",
      eventId: event.id,
      type: event.type,
      result,
      traceId: c.get("traceId"),
    });
    if (settleVendor) {
      c.executionCtx.waitUntil(
        withOutbox(c.env, c.executionCtx, () => settleHeldShares(db, stripe, settleVendor, c.get("traceId"))),
      );
    }
    return c.json({ received: true, result }, 200);
  },
);
