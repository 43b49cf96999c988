// Refunds of a PaymentIntent's charge, partial or whole (by default what is left); each emits `charge.refunded`.
import { invalidRequest, noSuch } from "./errors.ts";
import type { Charge, Refund } from "./objects.ts";
import { metadata, oneOf, optionalInteger, optionalString, rejectUnknown } from "./params.ts";
import { type Context, ok, route } from "./router.ts";
import { newId, nowSeconds } from "./state.ts";

const CREATE_PARAMS = ["payment_intent", "charge", "amount", "metadata", "reason", "instructions_email"];

/** The charge a refund is for, named by `charge` or by `payment_intent` (its latest charge). */
function chargeToRefund(c: Context): Charge {
  const { store } = c.fake;
  const chargeId = optionalString(c.params, "charge");
  const intentId = optionalString(c.params, "payment_intent");
  if (chargeId === undefined && intentId === undefined) {
    throw invalidRequest("One of the following params should be provided for this request: payment_intent or charge.", {
      code: "parameter_missing",
    });
  }
  if (intentId !== undefined) {
    const intent = store.paymentIntents.get(intentId);
    if (!intent) throw noSuch("payment_intent", intentId, "payment_intent");
    const latest = intent.latest_charge ? store.charges.get(intent.latest_charge) : undefined;
    if (intent.status !== "succeeded" || !latest) {
      throw invalidRequest(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, {
        code: "charge_not_refundable",
        param: "payment_intent",
      });
    }
    if (chargeId !== undefined && chargeId !== latest.id) {
      throw invalidRequest(`The charge ${chargeId} does not belong to the PaymentIntent ${intentId}.`, {
        param: "charge",
      });
    }
    return latest;
  }
  const charge = chargeId === undefined ? undefined : store.charges.get(chargeId);
  if (!charge || chargeId === undefined) throw noSuch("charge", chargeId ?? "", "charge");
  if (charge.status !== "succeeded")
    throw invalidRequest(`Charge ${charge.id} has not succeeded and cannot be refunded.`, {
      code: "charge_not_refundable",
      param: "charge",
    });
  return charge;
}

export const refundRoutes = [
  route("POST", "/v1/refunds", (c) => {
    rejectUnknown(c.params, CREATE_PARAMS);
    const charge = chargeToRefund(c);
    const requested = optionalInteger(c.params, "amount", 1);
    const reason = oneOf(c.params, "reason", ["duplicate", "fraudulent", "requested_by_customer"]);
    const meta = metadata(c.params);
    if (charge.disputed)
      throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, {
        code: "charge_disputed",
      });
    const left = charge.amount_captured - charge.amount_refunded;
    if (left === 0)
      throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: "charge_already_refunded" });
    const amount = requested ?? left;
    if (amount > left) {
      throw invalidRequest(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, {
        code: "amount_too_large",
        param: "amount",
      });
    }
    const refund: Refund = {
      id: newId("re"),
      object: "refund",
      amount,
      balance_transaction: newId("txn"),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      metadata: meta,
      payment_intent: charge.payment_intent,
      reason: reason ?? null,
      status: "succeeded",
    };
    c.fake.store.refunds.set(refund.id, refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    c.fake.events.emit("charge.refunded", charge, c.origin);
    return ok(refund);
  }),

  route("GET", "/v1/refunds/:id", (c) => {
    const refund = c.fake.store.refunds.get(c.path.id);
    if (!refund) throw noSuch("refund", c.path.id);
    return ok(refund);
  }),
];
