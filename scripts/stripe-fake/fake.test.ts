import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type StripeFake, startStripeFake } from "./server.ts";

const SECRET = "whsec_test";
const cryptoProvider = Stripe.createSubtleCryptoProvider();

interface FakeEvent {
  id: string;
  type: string;
  payload: string;
  signature: string;
}
interface Received {
  body: string;
  signature: string;
  contentType: string;
}

let fake: StripeFake;
let stripe: Stripe;
let receiver: Server;
const received: Received[] = [];
/** How many of the next webhook deliveries the receiver answers with 500. */
let failDeliveries = 0;

async function control<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${fake.url}/_fake${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: res.status, body: (await res.json()) as T };
}
const events = async (type: string) =>
  (await control<{ events: FakeEvent[] }>("GET", `/events?type=${type}`)).body.events;
const objects = async (kind: string) =>
  (await control<{ data: { id: string }[] }>("GET", `/objects/${kind}`)).body.data;
const eventObject = <T>(event: FakeEvent) => (JSON.parse(event.payload) as { data: { object: T } }).data.object;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        body: Buffer.concat(chunks).toString("utf8"),
        signature: String(req.headers["stripe-signature"]),
        contentType: String(req.headers["content-type"]),
      });
      const failing = failDeliveries > 0;
      if (failing) failDeliveries -= 1;
      res.writeHead(failing ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const { port } = receiver.address() as AddressInfo;
  fake = await startStripeFake({
    port: 0,
    webhookUrl: `http://127.0.0.1:${port}/webhooks/stripe`,
    webhookSecret: SECRET,
  });
  stripe = new Stripe("sk_test_local", {
    httpClient: Stripe.createFetchHttpClient(),
    host: "127.0.0.1",
    port: fake.port,
    protocol: "http",
    maxNetworkRetries: 2,
  });
});

afterAll(async () => {
  await fake.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  await control("POST", "/reset");
  received.length = 0;
  failDeliveries = 0;
});

const visaIntent = (amount = 1000, metadata: Record<string, string> = {}) =>
  stripe.paymentIntents.create({
    amount,
    currency: "eur",
    payment_method: "pm_card_visa",
    confirm: true,
    metadata,
    automatic_payment_methods: { enabled: true, allow_redirects: "never" },
  });

describe("PaymentIntents", () => {
  it("creates and confirms with pm_card_visa, and emits payment_intent.succeeded", async () => {
    const intent = await visaIntent(2500, { order_id: "ord_1" });
    expect(intent.id).toMatch(/^pi_/);
    expect(intent.status).toBe("succeeded");
    expect(intent.amount_received).toBe(2500);
    expect(intent.latest_charge).toMatch(/^ch_/);
    expect(intent.metadata).toEqual({ order_id: "ord_1" });
    expect(intent.automatic_payment_methods).toEqual({ enabled: true, allow_redirects: "never" });

    const [event, ...more] = await events("payment_intent.succeeded");
    expect(more).toHaveLength(0);
    const parsed = JSON.parse(event?.payload ?? "") as Stripe.Event;
    expect(parsed).toMatchObject({
      object: "event",
      livemode: false,
      pending_webhooks: 1,
      type: "payment_intent.succeeded",
      data: { object: { id: intent.id, status: "succeeded" } },
    });
    expect(parsed.id).toMatch(/^evt_/);
    expect(parsed.request?.idempotency_key).toEqual(expect.any(String));
  });

  it("leaves an intent without payment method waiting with a client secret, confirms it later, cancels another", async () => {
    const waiting = await stripe.paymentIntents.create({
      amount: 1200,
      currency: "usd",
      transfer_group: "ord_2",
      description: "order 2",
    });
    expect(waiting.status).toBe("requires_payment_method");
    expect(waiting.client_secret).toMatch(new RegExp(`^${waiting.id}_secret_\\w+$`));
    expect(waiting.transfer_group).toBe("ord_2");

    const confirmed = await stripe.paymentIntents.confirm(waiting.id, { payment_method: "pm_card_mastercard" });
    expect(confirmed.status).toBe("succeeded");
    expect((await stripe.paymentIntents.retrieve(waiting.id)).latest_charge).toBe(confirmed.latest_charge);
    await expect(stripe.paymentIntents.cancel(waiting.id)).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      code: "payment_intent_unexpected_state",
    });

    const other = await stripe.paymentIntents.create({ amount: 800, currency: "usd" });
    const canceled = await stripe.paymentIntents.cancel(other.id, { cancellation_reason: "abandoned" });
    expect(canceled).toMatchObject({ status: "canceled", cancellation_reason: "abandoned" });
    expect((await events("payment_intent.canceled")).map((e) => eventObject<{ id: string }>(e).id)).toEqual([other.id]);
  });

  it("declines pm_card_chargeDeclined with a StripeCardError carrying the intent", async () => {
    const error: unknown = await stripe.paymentIntents
      .create({ amount: 1000, currency: "eur", payment_method: "pm_card_chargeDeclined", confirm: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    const cardError = error as Stripe.errors.StripeCardError;
    expect(cardError.statusCode).toBe(402);
    expect(cardError.code).toBe("card_declined");
    expect(cardError.decline_code).toBe("generic_decline");
    expect(cardError.payment_intent?.status).toBe("requires_payment_method");
    expect(cardError.payment_intent?.last_payment_error?.decline_code).toBe("generic_decline");

    const intentId = cardError.payment_intent?.id ?? "";
    expect((await stripe.paymentIntents.retrieve(intentId)).status).toBe("requires_payment_method");
    expect((await events("payment_intent.payment_failed")).map((e) => eventObject<{ id: string }>(e).id)).toEqual([
      intentId,
    ]);
  });

  it("answers an unknown intent with 404 resource_missing", async () => {
    await expect(stripe.paymentIntents.retrieve("pi_missing")).rejects.toMatchObject({
      statusCode: 404,
      code: "resource_missing",
    });
  });

  it("expands latest_charge", async () => {
    const intent = await visaIntent();
    const expanded = await stripe.paymentIntents.retrieve(intent.id, { expand: ["latest_charge"] });
    expect(expanded.latest_charge).toMatchObject({
      object: "charge",
      id: intent.latest_charge,
      status: "succeeded",
      payment_intent: intent.id,
    });
  });
});

describe("idempotency", () => {
  it("returns the same intent for the same key and parameters", async () => {
    const params = { amount: 1500, currency: "eur", metadata: { order_id: "ord_3" } };
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: "order-intent-ord_3" });
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: "order-intent-ord_3" });
    expect(again.id).toBe(first.id);
    expect(await objects("payment_intents")).toHaveLength(1);
  });

  it("refuses the same key with other parameters", async () => {
    await stripe.paymentIntents.create({ amount: 1500, currency: "eur" }, { idempotencyKey: "key-1" });
    const error: unknown = await stripe.paymentIntents
      .create({ amount: 1600, currency: "eur" }, { idempotencyKey: "key-1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect(await objects("payment_intents")).toHaveLength(1);
  });

  it("makes one intent when requests with the same key race", async () => {
    const params = { amount: 1500, currency: "eur", payment_method: "pm_card_visa", confirm: true };
    const intents = await Promise.all(
      Array.from({ length: 5 }, () => stripe.paymentIntents.create(params, { idempotencyKey: "race" })),
    );
    expect(new Set(intents.map((i) => i.id)).size).toBe(1);
    expect(await objects("payment_intents")).toHaveLength(1);
  });

  it("keeps keys per API key", async () => {
    const other = new Stripe("sk_test_other", {
      httpClient: Stripe.createFetchHttpClient(),
      host: "127.0.0.1",
      port: fake.port,
      protocol: "http",
    });
    const mine = await stripe.paymentIntents.create({ amount: 1500, currency: "eur" }, { idempotencyKey: "shared" });
    const theirs = await other.paymentIntents.create({ amount: 1500, currency: "eur" }, { idempotencyKey: "shared" });
    expect(theirs.id).not.toBe(mine.id);
  });

  it("replays a dropped answer to the SDK's retry without a second intent", async () => {
    expect((await control("POST", "/faults", { dropResponses: 1 })).status).toBe(200);
    const sent: (string | undefined)[] = [];
    const onRequest = (request: Stripe.RequestEvent) => sent.push(request.idempotency_key);
    stripe.on("request", onRequest);
    const intent = await visaIntent(4200).finally(() => stripe.off("request", onRequest));
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
    expect(intent.status).toBe("succeeded");
    expect((await objects("payment_intents")).map((i) => i.id)).toEqual([intent.id]);
    expect(await events("payment_intent.succeeded")).toHaveLength(1);
  });

  it("answers 500 without doing the work for a fail fault, only on the path it names", async () => {
    expect((await control("POST", "/faults", { mode: "fail", path: "/v1/refunds", times: 1 })).status).toBe(200);
    const intent = await visaIntent(1500);
    const refused = await stripe.refunds
      .create({ payment_intent: intent.id, amount: 100 }, { idempotencyKey: "fail-1", maxNetworkRetries: 0 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(await objects("refunds")).toHaveLength(0);
    const refund = await stripe.refunds.create(
      { payment_intent: intent.id, amount: 100 },
      { idempotencyKey: "fail-2" },
    );
    expect(refund.status).toBe("succeeded");
  });

  it("does the work and then times out for a hang fault; the retry with the same key replays it", async () => {
    const intent = await visaIntent(1600);
    expect(
      (await control("POST", "/faults", { mode: "hang", path: "/v1/refunds", times: 1, hangMs: 300 })).status,
    ).toBe(200);
    const first = await stripe.refunds
      .create({ payment_intent: intent.id, amount: 200 }, { idempotencyKey: "hang-1", maxNetworkRetries: 0 })
      .catch((error: unknown) => error);
    expect(first).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const again = await stripe.refunds.create({ payment_intent: intent.id, amount: 200 }, { idempotencyKey: "hang-1" });
    expect((await objects("refunds")).map((r) => r.id)).toEqual([again.id]);
  });

  it("marks a replay with Idempotent-Replayed", async () => {
    const send = () =>
      fetch(`${fake.url}/v1/payment_intents`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk_test_local",
          "idempotency-key": "raw-1",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "amount=900&currency=eur&metadata[order_id]=ord_9&expand[]=latest_charge",
      });
    const first = await send();
    const second = await send();
    expect(second.status).toBe(first.status);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.text()).toBe(await first.text());
  });
});

describe("refunds", () => {
  it("refunds part, then the rest, then refuses more, emitting charge.refunded each time", async () => {
    const intent = await visaIntent(1000);
    const part = await stripe.refunds.create({
      payment_intent: intent.id,
      amount: 300,
      reason: "requested_by_customer",
      metadata: { sub_order_id: "sub_1" },
    });
    expect(part).toMatchObject({
      object: "refund",
      amount: 300,
      payment_intent: intent.id,
      charge: intent.latest_charge,
      status: "succeeded",
    });
    expect(part.id).toMatch(/^re_/);
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 800 })).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
    });
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(700);
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 1 })).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );

    const refunded = (await events("charge.refunded")).map((e) => eventObject<Stripe.Charge>(e));
    expect(refunded.map((c) => [c.amount_refunded, c.refunded, c.payment_intent])).toEqual([
      [300, false, intent.id],
      [1000, true, intent.id],
    ]);
    expect(await objects("refunds")).toHaveLength(2);
  });

  it("refuses to refund a disputed charge", async () => {
    const intent = await visaIntent(1000);
    const { status, body } = await control<{ id: string; status: string }>(
      "POST",
      `/payment_intents/${intent.id}/dispute`,
    );
    expect(status).toBe(200);
    expect(body.id).toMatch(/^dp_/);
    const [event] = await events("charge.dispute.created");
    expect(event && eventObject(event)).toMatchObject({
      object: "dispute",
      charge: intent.latest_charge,
      payment_intent: intent.id,
      amount: 1000,
      status: "needs_response",
    });
    await expect(stripe.refunds.create({ payment_intent: intent.id })).rejects.toMatchObject({
      code: "charge_disputed",
    });
  });
});

describe("Connect", () => {
  it("transfers to a connected account and reverses part of it", async () => {
    const account = await stripe.accounts.create({ type: "express" });
    await expect(
      stripe.transfers.create({ amount: 800, currency: "eur", destination: "acct_missing" }),
    ).rejects.toMatchObject({ param: "destination" });
    const transfer = await stripe.transfers.create({
      amount: 800,
      currency: "eur",
      destination: account.id,
      transfer_group: "ord_4",
      metadata: { sub_order_id: "sub_4" },
    });
    expect(transfer).toMatchObject({
      object: "transfer",
      amount: 800,
      amount_reversed: 0,
      destination: account.id,
      transfer_group: "ord_4",
      reversed: false,
    });
    expect(transfer.id).toMatch(/^tr_/);

    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 300, metadata: { refund: "re_1" } });
    expect(reversal).toMatchObject({ object: "transfer_reversal", amount: 300, transfer: transfer.id });
    expect(reversal.id).toMatch(/^trr_/);
    await expect(stripe.transfers.createReversal(transfer.id, { amount: 600 })).rejects.toMatchObject({
      statusCode: 400,
      code: "amount_too_large",
    });

    const after = await stripe.transfers.retrieve(transfer.id);
    expect(after.amount_reversed).toBe(300);
    expect(after.reversed).toBe(false);
    expect(after.reversals.data.map((r) => r.id)).toEqual([reversal.id]);
  });

  it("onboards an Express account through its account link and emits account.updated", async () => {
    const account = await stripe.accounts.create({
      type: "express",
      email: "vendor@example.test",
      metadata: { vendor_id: "v1" },
    });
    expect(account).toMatchObject({
      type: "express",
      payouts_enabled: false,
      charges_enabled: false,
      details_submitted: false,
    });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: "account_onboarding",
      refresh_url: "http://localhost:5173/again",
      return_url: "http://localhost:5173/done",
    });
    expect(link.object).toBe("account_link");
    expect(link.url.startsWith(`${fake.url}/_fake/onboarding/${account.id}`)).toBe(true);

    const visit = await fetch(link.url, { redirect: "manual" });
    expect(visit.status).toBe(302);
    expect(visit.headers.get("location")).toBe("http://localhost:5173/done");
    expect((await fetch(link.url, { redirect: "manual" })).headers.get("location")).toBe("http://localhost:5173/again");

    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({
      payouts_enabled: true,
      charges_enabled: true,
      details_submitted: true,
    });
    const updated = await events("account.updated");
    expect(updated).toHaveLength(1);
    const payload = JSON.parse(updated[0]?.payload ?? "") as {
      account: string;
      data: { object: Stripe.Account; previous_attributes: Partial<Stripe.Account> };
    };
    expect(payload.account).toBe(account.id);
    expect(payload.data.object.payouts_enabled).toBe(true);
    expect(payload.data.previous_attributes.payouts_enabled).toBe(false);
  });
});

describe("events and webhooks", () => {
  it("signs events so the SDK verifies them, and rejects a tampered or stale payload", async () => {
    await visaIntent();
    const [event] = await events("payment_intent.succeeded");
    if (!event) throw new Error("no event");
    const verified = await stripe.webhooks.constructEventAsync(
      event.payload,
      event.signature,
      SECRET,
      300,
      cryptoProvider,
    );
    expect(verified.id).toBe(event.id);

    const tampered = event.payload.replace('"amount": 1000', '"amount": 1');
    expect(tampered).not.toBe(event.payload);
    await expect(
      stripe.webhooks.constructEventAsync(tampered, event.signature, SECRET, 300, cryptoProvider),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError);
    await expect(
      stripe.webhooks.constructEventAsync(event.payload, event.signature, "whsec_other", 300, cryptoProvider),
    ).rejects.toBeInstanceOf(Stripe.errors.StripeSignatureVerificationError);

    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const stale = (await control<FakeEvent>("GET", `/events/${event.id}/signed?timestamp=${hourAgo}`)).body;
    expect(stale.signature.startsWith(`t=${hourAgo},v1=`)).toBe(true);
    await expect(
      stripe.webhooks.constructEventAsync(stale.payload, stale.signature, SECRET, 300, cryptoProvider),
    ).rejects.toThrow(/tolerance/i);
  });

  it("delivers each event, signed, to the webhook URL", async () => {
    const intent = await visaIntent();
    await vi.waitFor(() => expect(received).toHaveLength(1));
    const [delivery] = received;
    if (!delivery) throw new Error("no delivery");
    expect(delivery.contentType).toMatch(/^application\/json/);
    const event = await stripe.webhooks.constructEventAsync(
      delivery.body,
      delivery.signature,
      SECRET,
      300,
      cryptoProvider,
    );
    expect(event.type).toBe("payment_intent.succeeded");
    expect((event.data.object as Stripe.PaymentIntent).id).toBe(intent.id);
  });

  it("retries a failed delivery and redelivers on request", async () => {
    failDeliveries = 1;
    await visaIntent();
    await vi.waitFor(() => expect(received).toHaveLength(2), { timeout: 5_000 });
    expect(received[1]?.body).toBe(received[0]?.body);

    const [event] = await events("payment_intent.succeeded");
    const again = await control<{ state: string; attempts: unknown[] }>("POST", `/events/${event?.id}/deliver`);
    expect(again.body).toMatchObject({ state: "delivered" });
    expect(received).toHaveLength(3);
    expect(received[2]?.body).toBe(event?.payload);

    const { deliveries } = (
      await control<{ deliveries: { eventId: string; state: string; attempts: unknown[] }[] }>("GET", "/deliveries")
    ).body;
    expect(deliveries.map((d) => [d.state, d.attempts.length])).toEqual([
      ["delivered", 2],
      ["delivered", 1],
    ]);
  });

  it("lists events in creation order, filtered by type and since", async () => {
    const first = await visaIntent();
    await stripe.paymentIntents
      .create({ amount: 700, currency: "eur", payment_method: "pm_card_chargeDeclined", confirm: true })
      .catch(() => undefined);
    const all = await events("payment_intent.*");
    expect(all.map((e) => e.type)).toEqual(["payment_intent.succeeded", "payment_intent.payment_failed"]);
    expect(eventObject<{ id: string }>(all[0] as FakeEvent).id).toBe(first.id);
    const later = (await control<{ events: FakeEvent[] }>("GET", `/events?since=${all[0]?.id}`)).body.events;
    expect(later.map((e) => e.id)).toEqual([all[1]?.id]);
  });
});

describe("requests", () => {
  it("refuses a key that is not a test secret key", async () => {
    const live = new Stripe("sk_live_nope", {
      httpClient: Stripe.createFetchHttpClient(),
      host: "127.0.0.1",
      port: fake.port,
      protocol: "http",
    });
    await expect(live.paymentIntents.create({ amount: 1000, currency: "eur" })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
  });

  it("refuses unknown and missing parameters as Stripe does", async () => {
    await expect(
      stripe.paymentIntents.create({ amount: 1000 } as Stripe.PaymentIntentCreateParams),
    ).rejects.toMatchObject({ code: "parameter_missing", param: "currency" });
    const res = await fetch(`${fake.url}/v1/payment_intents`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_local", "content-type": "application/x-www-form-urlencoded" },
      body: "amount=1000&currency=eur&amout=5",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "parameter_unknown", param: "amout" },
    });
  });
});
