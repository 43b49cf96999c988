import { eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import Stripe from "stripe";
import type { PaymentInfo } from "#lib/contracts/api/payments.ts";
import type { CreateIntentInput } from "#lib/contracts/rpc.ts";
import { payments } from "../db/schema.ts";
import { isRefusal, toStripeCurrency } from "./stripe.ts";

/**
 * One PaymentIntent per order, created with an idempotency key derived from the
 * order, so a retry after a lost answer never makes a second one. With a payment
 * method (Stripe's test ones such as pm_card_visa) it is confirmed server-side;
 * the order becomes paid when the signed webhook says so.
 */
export async function createIntent(
  db: DrizzleD1Database,
  stripe: Stripe,
  input: CreateIntentInput,
): Promise<PaymentInfo> {
  const params: Stripe.PaymentIntentCreateParams = {
    amount: input.amount,
    currency: toStripeCurrency(input.currency),
    transfer_group: input.orderId,
    metadata: { order_id: input.orderId, user_id: input.userId },
    automatic_payment_methods: { enabled: true, allow_redirects: "never" },
    ...(input.paymentMethod ? { payment_method: input.paymentMethod, confirm: true } : {}),
  };
  let intent: Stripe.PaymentIntent;
  let declineCode: string | null = null;
  try {
    intent = await stripe.paymentIntents.create(params, { idempotencyKey: `order-intent-${input.orderId}` });
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeCardError) || !error.payment_intent) throw error;
    intent = error.payment_intent;
    declineCode = error.decline_code ?? error.code ?? "card_declined";
  }
  const now = new Date().toISOString();
  await db
    .insert(payments)
    .values({
      orderId: input.orderId,
      intentId: intent.id,
      amount: input.amount,
      currency: input.currency,
      status: "requires_payment_method",
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing();
  const [row] = await db.select().from(payments).where(eq(payments.orderId, input.orderId));
  return {
    id: intent.id,
    status: row?.status === "succeeded" ? "succeeded" : declineCode ? "failed" : statusOf(intent),
    amount: input.amount,
    currency: input.currency,
    clientSecret: declineCode ? null : intent.client_secret,
    declineCode,
  };
}

function statusOf(intent: Stripe.PaymentIntent): PaymentInfo["status"] {
  switch (intent.status) {
    case "succeeded":
      return "succeeded";
    case "canceled":
      return "canceled";
    case "processing":
      return "processing";
    default:
      return "requires_payment_method";
  }
}

/** An order cancelled before payment: its PaymentIntent is cancelled so it can no longer be paid. Stripe refusing (already paid or cancelled) is fine: a late payment of a cancelled order is refunded. */
export async function cancelUnpaidIntent(stripe: Stripe, intentId: string): Promise<void> {
  try {
    await stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey: `cancel-${intentId}` });
  } catch (error) {
    if (!isRefusal(error)) throw error;
  }
}
