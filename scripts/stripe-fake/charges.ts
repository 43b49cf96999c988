// Charges, made when a PaymentIntent is confirmed with one of Stripe's test payment methods.
import { noSuch } from "./errors.ts";
import type { Charge, PaymentIntent } from "./objects.ts";
import { ok, route } from "./router.ts";
import { newId, nowSeconds, type Store } from "./state.ts";

export interface TestCard {
  brand: string;
  last4: string;
  decline?: { code: string; declineCode: string; message: string };
}

/** Stripe's test PaymentMethods that the fake knows (https://docs.stripe.com/testing#cards). */
const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { brand: "visa", last4: "4242" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444" },
  pm_card_chargeDeclined: {
    brand: "visa",
    last4: "0002",
    decline: { code: "card_declined", declineCode: "generic_decline", message: "Your card was declined." },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: "visa",
    last4: "9995",
    decline: { code: "card_declined", declineCode: "insufficient_funds", message: "Your card has insufficient funds." },
  },
};

export function testCard(paymentMethod: string, param: string): TestCard {
  const card = TEST_CARDS[paymentMethod];
  if (!card) throw noSuch("PaymentMethod", paymentMethod, param);
  return card;
}

/** The charge of one confirmation attempt: succeeded, or failed when the card declines. */
export function createCharge(store: Store, intent: PaymentIntent, paymentMethod: string, card: TestCard): Charge {
  const declined = card.decline;
  const charge: Charge = {
    id: newId("ch"),
    object: "charge",
    amount: intent.amount,
    amount_captured: declined ? 0 : intent.amount,
    amount_refunded: 0,
    balance_transaction: declined ? null : newId("txn"),
    captured: !declined,
    created: nowSeconds(),
    currency: intent.currency,
    description: intent.description,
    disputed: false,
    failure_code: declined ? declined.code : null,
    failure_message: declined ? declined.message : null,
    livemode: false,
    metadata: { ...intent.metadata },
    outcome: declined
      ? {
          network_status: "declined_by_network",
          reason: declined.declineCode,
          risk_level: "normal",
          seller_message: "The bank did not return any further details with this decline.",
          type: "issuer_declined",
        }
      : {
          network_status: "approved_by_network",
          reason: null,
          risk_level: "normal",
          seller_message: "Payment complete.",
          type: "authorized",
        },
    paid: !declined,
    payment_intent: intent.id,
    payment_method: paymentMethod,
    refunded: false,
    status: declined ? "failed" : "succeeded",
    transfer_group: intent.transfer_group,
  };
  store.charges.set(charge.id, charge);
  return charge;
}

export const chargeRoutes = [
  route("GET", "/v1/charges/:id", (c) => {
    const charge = c.fake.store.charges.get(c.path.id);
    if (!charge) throw noSuch("charge", c.path.id);
    return ok(charge);
  }),
];
