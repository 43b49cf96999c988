// PaymentIntents: create (optionally confirming), retrieve, confirm, cancel. Each status change emits its event.
import { createCharge, testCard } from "./charges.ts";
import { cardError, invalidRequest, noSuch } from "./errors.ts";
import type { PaymentIntent } from "./objects.ts";
import {
  metadata,
  oneOf,
  optionalBoolean,
  optionalHash,
  optionalString,
  type Params,
  rejectUnknown,
  requiredCurrency,
  requiredInteger,
} from "./params.ts";
import { type Context, ok, route } from "./router.ts";
import { newId, nowSeconds, randomToken } from "./state.ts";

const CREATE_PARAMS = [
  "amount",
  "currency",
  "automatic_payment_methods",
  "capture_method",
  "confirm",
  "confirmation_method",
  "customer",
  "description",
  "error_on_requires_action",
  "metadata",
  "off_session",
  "on_behalf_of",
  "payment_method",
  "payment_method_options",
  "payment_method_types",
  "receipt_email",
  "return_url",
  "setup_future_usage",
  "shipping",
  "statement_descriptor",
  "statement_descriptor_suffix",
  "transfer_group",
  "use_stripe_sdk",
];
const CONFIRM_PARAMS = [
  "payment_method",
  "payment_method_options",
  "receipt_email",
  "return_url",
  "off_session",
  "error_on_requires_action",
  "use_stripe_sdk",
  "setup_future_usage",
  "shipping",
];
const CANCEL_PARAMS = ["cancellation_reason"];

/** Stripe's smallest chargeable amounts in the smallest currency unit; other currencies take 50. */
const MINIMUM_AMOUNT: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  chf: 50,
  sek: 300,
  nok: 300,
  dkk: 250,
  jpy: 50,
};

function automaticPaymentMethods(params: Params): PaymentIntent["automatic_payment_methods"] {
  const hash = optionalHash(params, "automatic_payment_methods");
  // Since API version 2023-08-16 automatic payment methods are on unless payment_method_types is given.
  if (hash === undefined) return params.payment_method_types === undefined ? { enabled: true } : null;
  const enabled = optionalBoolean(hash, "enabled") ?? false;
  const redirects = oneOf(hash, "allow_redirects", ["always", "never"]);
  return { enabled, ...(redirects ? { allow_redirects: redirects } : {}) };
}

function find(c: Context<{ id: string }>): PaymentIntent {
  const intent = c.fake.store.paymentIntents.get(c.path.id);
  if (!intent) throw noSuch("payment_intent", c.path.id);
  return intent;
}

function unexpectedState(intent: PaymentIntent, action: string, allowed: string): never {
  throw invalidRequest(
    `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be ${action === "cancel" ? "canceled" : "confirmed"}: ${allowed}.`,
    { code: "payment_intent_unexpected_state", extra: { payment_intent: structuredClone(intent) } },
  );
}

/** One confirmation attempt with a test card: succeeds, or declines with a 402 card error that carries the intent. */
function attempt(c: Context, intent: PaymentIntent, paymentMethod: string): void {
  const card = testCard(paymentMethod, "payment_method");
  const charge = createCharge(c.fake.store, intent, paymentMethod, card);
  intent.latest_charge = charge.id;
  const decline = card.decline;
  if (decline) {
    const error = {
      type: "card_error" as const,
      code: decline.code,
      decline_code: decline.declineCode,
      message: decline.message,
      doc_url: `https://stripe.com/docs/error-codes/${decline.code.replaceAll("_", "-")}`,
      charge: charge.id,
      payment_method: {
        id: paymentMethod,
        object: "payment_method" as const,
        type: "card" as const,
        card: { brand: card.brand, last4: card.last4 },
      },
    };
    intent.status = "requires_payment_method";
    intent.payment_method = null;
    intent.last_payment_error = error;
    c.fake.events.emit("payment_intent.payment_failed", intent, c.origin);
    throw cardError(decline.code, decline.declineCode, decline.message, {
      charge: charge.id,
      payment_intent: structuredClone(intent),
      payment_method: error.payment_method,
    });
  }
  intent.status = "succeeded";
  intent.payment_method = paymentMethod;
  intent.amount_received = intent.amount;
  intent.last_payment_error = null;
  c.fake.events.emit("payment_intent.succeeded", intent, c.origin);
}

function missingPaymentMethod(): never {
  throw invalidRequest(
    "You cannot confirm this PaymentIntent because it's missing a payment method. Update the payment_method parameter or pass one to the confirm call.",
    { code: "payment_intent_unexpected_state", param: "payment_method" },
  );
}

export const paymentIntentRoutes = [
  route("POST", "/v1/payment_intents", (c) => {
    const { params } = c;
    rejectUnknown(params, CREATE_PARAMS);
    const amount = requiredInteger(params, "amount", 1);
    const currency = requiredCurrency(params);
    const minimum = MINIMUM_AMOUNT[currency] ?? 50;
    if (amount < minimum)
      throw invalidRequest(`Amount must be at least ${minimum} in the smallest unit of ${currency}`, {
        code: "amount_too_small",
        param: "amount",
      });
    const paymentMethod = optionalString(params, "payment_method");
    if (paymentMethod !== undefined) testCard(paymentMethod, "payment_method");
    const confirm = optionalBoolean(params, "confirm") ?? false;
    if (confirm && paymentMethod === undefined) missingPaymentMethod();
    const types = params.payment_method_types;
    const id = newId("pi");
    const intent: PaymentIntent = {
      id,
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      automatic_payment_methods: automaticPaymentMethods(params),
      canceled_at: null,
      cancellation_reason: null,
      capture_method: oneOf(params, "capture_method", ["automatic", "automatic_async"]) ?? "automatic_async",
      client_secret: `${id}_secret_${randomToken(25)}`,
      confirmation_method: oneOf(params, "confirmation_method", ["automatic", "manual"]) ?? "automatic",
      created: nowSeconds(),
      currency,
      customer: optionalString(params, "customer") ?? null,
      description: optionalString(params, "description") ?? null,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: metadata(params),
      next_action: null,
      on_behalf_of: optionalString(params, "on_behalf_of") ?? null,
      payment_method: paymentMethod ?? null,
      payment_method_types: Array.isArray(types) ? types.filter((t) => typeof t === "string") : ["card"],
      receipt_email: optionalString(params, "receipt_email") ?? null,
      statement_descriptor: optionalString(params, "statement_descriptor") ?? null,
      status: paymentMethod === undefined ? "requires_payment_method" : "requires_confirmation",
      transfer_group: optionalString(params, "transfer_group") ?? null,
    };
    c.fake.store.paymentIntents.set(id, intent);
    if (confirm && paymentMethod !== undefined) attempt(c, intent, paymentMethod);
    return ok(intent);
  }),

  route("GET", "/v1/payment_intents/:id", (c) => ok(find(c))),

  route("POST", "/v1/payment_intents/:id/confirm", (c) => {
    rejectUnknown(c.params, CONFIRM_PARAMS);
    const intent = find(c);
    if (intent.status !== "requires_payment_method" && intent.status !== "requires_confirmation") {
      unexpectedState(intent, "confirm", "requires_payment_method, requires_confirmation, requires_action");
    }
    const paymentMethod = optionalString(c.params, "payment_method") ?? intent.payment_method ?? missingPaymentMethod();
    testCard(paymentMethod, "payment_method");
    attempt(c, intent, paymentMethod);
    return ok(intent);
  }),

  route("POST", "/v1/payment_intents/:id/cancel", (c) => {
    rejectUnknown(c.params, CANCEL_PARAMS);
    const reason = oneOf(c.params, "cancellation_reason", [
      "duplicate",
      "fraudulent",
      "requested_by_customer",
      "abandoned",
    ]);
    const intent = find(c);
    if (intent.status !== "requires_payment_method" && intent.status !== "requires_confirmation") {
      unexpectedState(
        intent,
        "cancel",
        "requires_payment_method, requires_capture, requires_confirmation, requires_action, processing",
      );
    }
    intent.status = "canceled";
    intent.canceled_at = nowSeconds();
    intent.cancellation_reason = reason ?? null;
    c.fake.events.emit("payment_intent.canceled", intent, c.origin);
    return ok(intent);
  }),
];
