import { type EventLog, stripeId } from "./events.ts";

export type Params = Record<string, unknown>;
export type Reply = { status: number; body: unknown };

export class StripeError extends Error {
  readonly status: number;
  readonly error: Record<string, unknown>;

  constructor(status: number, error: Record<string, unknown>) {
    super(String(error.message));
    this.status = status;
    this.error = error;
  }
}

const missing = (kind: string, id: string) =>
  new StripeError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such ${kind}: '${id}'`, param: "id" });
const invalid = (message: string, param?: string) => new StripeError(400, { type: "invalid_request_error", message, param });
const int = (value: unknown, param: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw invalid(`Invalid integer: ${String(value)}`, param);
  return n;
};
const now = () => Math.floor(Date.now() / 1000);

// Stripe's test payment methods.
const SUCCEEDING = new Set(["pm_card_visa", "pm_card_mastercard", "pm_card_amex"]);
const DECLINING: Record<string, string> = { pm_card_chargeDeclined: "generic_decline", pm_card_chargeDeclinedInsufficientFunds: "insufficient_funds" };

type Obj = Record<string, unknown> & { id: string };

/** The Stripe objects the marketplace uses, in memory, answering in Stripe's shapes. */
export class StripeState {
  readonly paymentIntents = new Map<string, Obj>();
  readonly charges = new Map<string, Obj>();
  readonly refunds = new Map<string, Obj>();
  readonly transfers = new Map<string, Obj>();
  readonly accounts = new Map<string, Obj>();
  readonly events: EventLog;
  readonly baseUrl: () => string;

  constructor(events: EventLog, baseUrl: () => string) {
    this.events = events;
    this.baseUrl = baseUrl;
  }

  createPaymentIntent(p: Params, key: string | null): Reply {
    const id = stripeId("pi");
    const intent: Obj = {
      id,
      object: "payment_intent",
      amount: int(p.amount, "amount"),
      amount_received: 0,
      currency: String(p.currency ?? "").toLowerCase(),
      status: "requires_payment_method",
      client_secret: `${id}_secret_${stripeId("s").slice(2)}`,
      metadata: p.metadata ?? {},
      transfer_group: p.transfer_group ?? null,
      description: p.description ?? null,
      payment_method: null,
      latest_charge: null,
      last_payment_error: null,
      created: now(),
      livemode: false,
    };
    if (!intent.currency) throw invalid("Missing required param: currency.", "currency");
    this.paymentIntents.set(id, intent);
    if (p.payment_method && p.confirm === "true") return this.confirm(intent, String(p.payment_method), key);
    if (p.payment_method) intent.payment_method = p.payment_method;
    return { status: 200, body: intent };
  }

  confirmPaymentIntent(id: string, p: Params, key: string | null): Reply {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw missing("payment_intent", id);
    const method = String(p.payment_method ?? intent.payment_method ?? "");
    if (!method) throw invalid("You must provide a payment method.", "payment_method");
    return this.confirm(intent, method, key);
  }

  private confirm(intent: Obj, method: string, key: string | null): Reply {
    intent.payment_method = method;
    const decline = DECLINING[method];
    if (decline || !SUCCEEDING.has(method)) {
      const error = { type: "card_error", code: "card_declined", decline_code: decline ?? "generic_decline", message: "Your card was declined." };
      Object.assign(intent, { status: "requires_payment_method", last_payment_error: error });
      this.events.emit("payment_intent.payment_failed", intent, key);
      throw new StripeError(402, { ...error, payment_intent: intent });
    }
    const charge: Obj = {
      id: stripeId("ch"),
      object: "charge",
      amount: intent.amount,
      amount_refunded: 0,
      refunded: false,
      currency: intent.currency,
      payment_intent: intent.id,
      transfer_group: intent.transfer_group,
      status: "succeeded",
      created: now(),
    };
    this.charges.set(charge.id, charge);
    Object.assign(intent, { status: "succeeded", amount_received: intent.amount, latest_charge: charge.id, last_payment_error: null });
    this.events.emit("payment_intent.succeeded", intent, key);
    return { status: 200, body: intent };
  }

  cancelPaymentIntent(id: string, key: string | null): Reply {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw missing("payment_intent", id);
    if (intent.status === "succeeded") throw invalid("You cannot cancel this PaymentIntent because it has a status of succeeded.");
    intent.status = "canceled";
    this.events.emit("payment_intent.canceled", intent, key);
    return { status: 200, body: intent };
  }

  createRefund(p: Params, key: string | null): Reply {
    const intent = p.payment_intent ? this.paymentIntents.get(String(p.payment_intent)) : undefined;
    const charge = this.charges.get(String(p.charge ?? intent?.latest_charge ?? ""));
    if (!charge) throw invalid("No charge to refund.", "payment_intent");
    const left = Number(charge.amount) - Number(charge.amount_refunded);
    const amount = p.amount === undefined ? left : int(p.amount, "amount");
    if (amount > left) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`, "amount");
    const refund: Obj = {
      id: stripeId("re"),
      object: "refund",
      amount,
      charge: charge.id,
      payment_intent: charge.payment_intent,
      currency: charge.currency,
      metadata: p.metadata ?? {},
      reason: p.reason ?? null,
      status: "succeeded",
      created: now(),
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded = Number(charge.amount_refunded) + amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    this.events.emit("charge.refunded", charge, key);
    return { status: 200, body: refund };
  }

  createTransfer(p: Params): Reply {
    const destination = String(p.destination ?? "");
    if (!this.accounts.has(destination)) throw invalid(`No such destination: '${destination}'`, "destination");
    const transfer: Obj = {
      id: stripeId("tr"),
      object: "transfer",
      amount: int(p.amount, "amount"),
      amount_reversed: 0,
      currency: String(p.currency ?? "").toLowerCase(),
      destination,
      transfer_group: p.transfer_group ?? null,
      metadata: p.metadata ?? {},
      reversed: false,
      reversals: { object: "list", data: [] as Obj[], has_more: false },
      created: now(),
    };
    this.transfers.set(transfer.id, transfer);
    return { status: 200, body: transfer };
  }

  reverseTransfer(id: string, p: Params): Reply {
    const transfer = this.transfers.get(id);
    if (!transfer) throw missing("transfer", id);
    const left = Number(transfer.amount) - Number(transfer.amount_reversed);
    const amount = p.amount === undefined ? left : int(p.amount, "amount");
    if (amount > left) throw invalid("Reversal amount is greater than what is left of the transfer.", "amount");
    const reversal: Obj = { id: stripeId("trr"), object: "transfer_reversal", amount, currency: transfer.currency, transfer: id, metadata: p.metadata ?? {}, created: now() };
    transfer.amount_reversed = Number(transfer.amount_reversed) + amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    (transfer.reversals as { data: Obj[] }).data.push(reversal);
    return { status: 200, body: reversal };
  }

  createAccount(p: Params): Reply {
    const account: Obj = {
      id: stripeId("acct"),
      object: "account",
      type: p.type ?? "express",
      email: p.email ?? null,
      metadata: p.metadata ?? {},
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      created: now(),
    };
    this.accounts.set(account.id, account);
    return { status: 200, body: account };
  }

  createAccountLink(p: Params): Reply {
    const account = String(p.account ?? "");
    if (!this.accounts.has(account)) throw missing("account", account);
    const returnUrl = encodeURIComponent(String(p.return_url ?? ""));
    return {
      status: 200,
      body: { object: "account_link", url: `${this.baseUrl()}/_fake/onboarding/${account}?return_url=${returnUrl}`, created: now(), expires_at: now() + 300 },
    };
  }

  /** What Stripe's hosted onboarding does when the vendor finishes it. */
  completeOnboarding(id: string): void {
    const account = this.accounts.get(id);
    if (!account) throw missing("account", id);
    Object.assign(account, { charges_enabled: true, payouts_enabled: true, details_submitted: true });
    this.events.emit("account.updated", account, null);
  }

  dispute(intentId: string): Obj {
    const intent = this.paymentIntents.get(intentId);
    if (!intent?.latest_charge) throw missing("payment_intent", intentId);
    const dispute = { id: stripeId("dp"), object: "dispute", amount: intent.amount, charge: intent.latest_charge, payment_intent: intentId, status: "needs_response", created: now() };
    this.events.emit("charge.dispute.created", dispute, null);
    return dispute;
  }

  get(kind: "payment_intents" | "transfers" | "accounts", id: string): Reply {
    const object = this[kind === "payment_intents" ? "paymentIntents" : kind].get(id);
    if (!object) throw missing(kind.replace(/s$/, ""), id);
    return { status: 200, body: object };
  }
}
