import { and, eq, ne } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type Stripe from "stripe";
import { PaymentFailed, PaymentSucceeded } from "#lib/contracts/events/payments.ts";
import { isConstraintViolation } from "#lib/db/constraint.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { accounts, type PaymentStatus, payments, shares, webhookEvents } from "../db/schema.ts";
import { cryptoProvider, fromStripeCurrency } from "./stripe.ts";

const TOLERANCE_SECONDS = 300;
const FUTURE_SKEW_SECONDS = 30;

/** Stripe's signature check, plus a refusal of timestamps from the future that Stripe's own check lets through. */
export async function verifiedEvent(
  stripe: Stripe,
  payload: string,
  signature: string | undefined,
  secret: string,
): Promise<Stripe.Event> {
  if (!signature) throw new ProblemError(400, "The Stripe-Signature header is missing.", { type: "invalid-signature" });
  // Parsed once here; a second `t=` could pass this check and be the one the SDK verifies.
  const stamps = signature.split(",").filter((part) => part.trim().startsWith("t="));
  if (stamps.length !== 1)
    throw new ProblemError(400, "The Stripe-Signature header must carry exactly one timestamp.", {
      type: "invalid-signature",
    });
  const timestamp = Number(/^t=(\d+)$/.exec(stamps[0]?.trim() ?? "")?.[1]);
  if (!Number.isFinite(timestamp) || timestamp > Date.now() / 1000 + FUTURE_SKEW_SECONDS) {
    throw new ProblemError(400, "The signature's timestamp is missing or in the future.", {
      type: "invalid-signature",
    });
  }
  try {
    return await stripe.webhooks.constructEventAsync(payload, signature, secret, TOLERANCE_SECONDS, cryptoProvider);
  } catch {
    throw new ProblemError(400, "The signature does not match, or is older than five minutes.", {
      type: "invalid-signature",
    });
  }
}

type Outcome = { statements: BatchItem<"sqlite">[]; settleVendor?: string };

/**
 * Applies one Stripe event once: its id is recorded in the same batch as its
 * effect. States only move forward, so events arriving out of order are safe.
 */
export async function applyEvent(
  db: DrizzleD1Database,
  event: Stripe.Event,
  traceId: string,
): Promise<{ result: "applied" | "duplicate" | "ignored"; settleVendor?: string }> {
  const [seen] = await db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.id, event.id));
  if (seen) return { result: "duplicate" };
  const outcome = await effectOf(db, event, traceId);
  if (!outcome) return { result: "ignored" };
  try {
    await db.batch([
      db.insert(webhookEvents).values({ id: event.id, type: event.type, receivedAt: Date.now() }),
      ...outcome.statements,
    ]);
  } catch (error) {
    if (isConstraintViolation(error, "UNIQUE", "webhook_events.id")) return { result: "duplicate" };
    throw error;
  }
  return { result: "applied", settleVendor: outcome.settleVendor };
}

async function effectOf(db: DrizzleD1Database, event: Stripe.Event, traceId: string): Promise<Outcome | undefined> {
  const meta = { source: "payments", traceId };
  switch (event.type) {
    case "payment_intent.succeeded":
      return intentMoved(db, event.data.object, "succeeded", (orderId, intent) =>
        buildEvent(
          PaymentSucceeded,
          { orderId, paymentId: intent.id, amount: intent.amount, currency: fromStripeCurrency(intent.currency) },
          meta,
        ),
      );
    case "payment_intent.payment_failed":
      return intentMoved(db, event.data.object, "failed", (orderId, intent) =>
        buildEvent(
          PaymentFailed,
          {
            orderId,
            paymentId: intent.id,
            reason: intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? "payment_failed",
          },
          meta,
        ),
      );
    case "payment_intent.canceled":
      return intentMoved(db, event.data.object, "canceled", (orderId, intent) =>
        buildEvent(PaymentFailed, { orderId, paymentId: intent.id, reason: "canceled" }, meta),
      );
    case "charge.refunded": {
      const charge = event.data.object;
      const intentId = typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (!intentId) return { statements: [] };
      return {
        statements: [
          db
            .update(payments)
            .set({ chargeId: charge.id, updatedAt: new Date().toISOString() })
            .where(eq(payments.intentId, intentId)),
        ],
      };
    }
    case "charge.dispute.created": {
      const dispute = event.data.object;
      const intentId = typeof dispute.payment_intent === "string" ? dispute.payment_intent : dispute.payment_intent?.id;
      const [payment] = intentId ? await db.select().from(payments).where(eq(payments.intentId, intentId)) : [];
      if (!payment) return { statements: [] };
      // A dispute freezes what has not been paid out to the order's vendors.
      return {
        statements: [
          db
            .update(payments)
            .set({ disputed: true, updatedAt: new Date().toISOString() })
            .where(eq(payments.orderId, payment.orderId)),
          db
            .update(shares)
            .set({ status: "frozen" })
            .where(and(eq(shares.orderId, payment.orderId), eq(shares.status, "held"))),
        ],
      };
    }
    case "account.updated": {
      const account = event.data.object;
      const vendorId = account.metadata?.vendor_id;
      if (!vendorId) return { statements: [] };
      const values = {
        vendorId,
        accountId: account.id,
        payoutsEnabled: account.payouts_enabled ?? false,
        updatedAt: new Date().toISOString(),
      };
      return {
        statements: [
          db
            .insert(accounts)
            .values(values)
            .onConflictDoUpdate({
              target: accounts.vendorId,
              set: { payoutsEnabled: values.payoutsEnabled, updatedAt: values.updatedAt },
            }),
        ],
        settleVendor: vendorId,
      };
    }
    default:
      return undefined;
  }
}

const RANK: Record<PaymentStatus, number> = {
  requires_payment_method: 0,
  processing: 1,
  failed: 1,
  canceled: 2,
  succeeded: 3,
};

/** Moves the order's payment to `status` unless it is already there or further; only a real move publishes. */
async function intentMoved(
  db: DrizzleD1Database,
  intent: Stripe.PaymentIntent,
  status: PaymentStatus,
  event: (orderId: string, intent: Stripe.PaymentIntent) => ReturnType<typeof buildEvent>,
): Promise<Outcome> {
  const orderId = intent.metadata?.order_id;
  if (!orderId) return { statements: [] };
  const [current] = await db.select().from(payments).where(eq(payments.orderId, orderId));
  if (current && (current.status === status || RANK[current.status] > RANK[status] || current.status === "succeeded"))
    return { statements: [] };
  const now = new Date().toISOString();
  const chargeId = typeof intent.latest_charge === "string" ? intent.latest_charge : (intent.latest_charge?.id ?? null);
  // The webhook may beat the worker that created the intent: the event carries all the row needs.
  const upsert = db
    .insert(payments)
    .values({
      orderId,
      intentId: intent.id,
      chargeId,
      amount: intent.amount,
      currency: fromStripeCurrency(intent.currency),
      status,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: payments.orderId,
      set: { status, chargeId, updatedAt: now },
      setWhere: ne(payments.status, "succeeded"),
    });
  return { statements: [upsert, stageEvent(db, event(orderId, intent))] };
}
