// A hostile client of the running marketplace, over HTTP only: every request from its own address, bursts fired at
// once, answers (or their absence) recorded rather than trusted.
import { randomUUID } from "node:crypto";
import { importJWK, type JWK, SignJWT } from "jose";
import { inject } from "vitest";
import { unseal } from "../../workers/auth/src/services/key-sealing.ts";
import { PASSWORD } from "./global-setup.ts";
import { LocalState } from "./local-db.ts";
import { sleep } from "./system.ts";

export const gateway = () => inject("gatewayUrl");
export const state = () => new LocalState(inject("stateDir"));

let ipSeq = Math.floor(Math.random() * 60_000);
/** Each request from its own address (198.18.0.0/15, the benchmarking range), so per-IP limits never couple requests. */
export function freshIp(): string {
  ipSeq = (ipSeq + 1) % 130_000;
  return `198.${18 + Math.floor(ipSeq / 65_025)}.${Math.floor((ipSeq % 65_025) / 255)}.${(ipSeq % 255) + 1}`;
}

export interface Answer<T = unknown> {
  /** 0 when no answer came (connection refused or cut, as during a crash). */
  status: number;
  body: T;
  error?: string;
  ms: number;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
  timeoutMs?: number;
}

/** One request to the gateway. Never throws: a lost answer is status 0. */
export async function call<T = unknown>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { "cf-connecting-ip": freshIp(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const started = Date.now();
  try {
    const res = await fetch(`${gateway()}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, ms: Date.now() - started };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return { status: 0, body: null as T, error: `${String(error)}${cause}`, ms: Date.now() - started };
  }
}

/** Like call, but anything other than `expected` is an error (for arranging, not for attacking). */
export async function must<T = unknown>(
  expected: number | number[],
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const answer = await call<T>(method, path, opts);
    // A keep-alive socket of a killed server fails once; arranging calls are safe to repeat.
    if (answer.status === 0 && attempt < 3) {
      await sleep(300);
      continue;
    }
    if (![expected].flat().includes(answer.status))
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body) ?? answer.error}`);
    return answer.body;
  }
}

/** `n` copies of a request released together. */
export function burst<T = unknown>(n: number, request: (i: number) => Promise<Answer<T>>): Promise<Answer<T>[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => request(i)));
}

/** Status → how many answers had it, e.g. `{"200":1,"409":11}`; with `details`, each problem's detail beside its status. */
export function tally(answers: Answer[], details = true): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const detail = details && a.status >= 400 ? problemDetail(a) : "";
    const label = a.status === 0 ? "no answer" : detail ? `${a.status} ${detail}` : String(a.status);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

function problemDetail(a: Answer): string {
  const body = a.body as { detail?: unknown } | null;
  return typeof body?.detail === "string" ? `(${body.detail.slice(0, 80)})` : "";
}

export async function eventually<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not so within ${timeoutMs / 1000} s; last seen ${JSON.stringify(last)?.slice(0, 2000)}`);
}

export const key = () => randomUUID();

// Accounts

export interface Account {
  token: string;
  userId: string;
}

export interface Vendor extends Account {
  vendorId: string;
  accountId: string | null;
}

export const admin = (): string => inject("adminToken");

function subOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string };
  return payload.sub;
}

async function login(email: string): Promise<Account> {
  const { accessToken } = await must<{ accessToken: string }>(200, "POST", "/api/v1/auth/login", {
    body: { email, password: PASSWORD },
  });
  return { token: accessToken, userId: subOf(accessToken) };
}

/** A real account: registered, signed in, its profile created from user.registered. */
export async function signUp(prefix: string): Promise<Account & { email: string }> {
  const email = `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
  await must(201, "POST", "/api/v1/auth/register", { body: { email, password: PASSWORD, name: prefix } });
  const account = await login(email);
  await eventually(
    `profile of ${email}`,
    () => call("GET", "/api/v1/me", { token: account.token }),
    (a) => a.status === 200,
  );
  return { ...account, email };
}

/** A store: applied, approved by the admin, its owner signed in again (the token now carries the vendor), known to catalog. */
export async function vendor(name: string, opts: { connect?: boolean } = {}): Promise<Vendor> {
  const owner = await signUp(name.toLowerCase().replace(/[^a-z]+/g, "-"));
  const slug = `rel-${randomUUID().slice(0, 8)}`;
  const { id: vendorId } = await must<{ id: string }>(201, "POST", "/api/v1/vendors", {
    token: owner.token,
    body: { name, slug, description: "Reliability." },
  });
  await must(200, "POST", `/api/v1/admin/vendors/${vendorId}/approve`, { token: admin(), body: {} });
  const signedIn = await login(owner.email);
  const v: Vendor = { ...signedIn, vendorId, accountId: null };
  if (opts.connect ?? true) v.accountId = await connect(v);
  return v;
}

/** Stripe onboarding done: the link visited, account.updated delivered by the fake, payouts enabled in payments. */
export async function connect(v: Account): Promise<string> {
  const { accountId, url } = await must<{ accountId: string; url: string }>(
    200,
    "POST",
    "/api/v1/vendor/payouts/onboarding",
    { token: v.token, body: {} },
  );
  await fetch(url, { redirect: "manual" });
  await eventually(
    `payouts enabled for ${accountId}`,
    () => payouts(v),
    (p) => p.account?.payoutsEnabled === true,
  );
  return accountId;
}

let syntheticSeq = 0;
/**
 * A signed-in shopper without the cost of registering (Argon2id is ~0.5 s of CPU each): a token signed with auth's own
 * key, read from auth's local database and unsealed with the secret the suite gave it. Crowds of shoppers use these.
 */
export async function shopper(): Promise<Account> {
  const [row] = state().query<{ kid: string; private_jwk_sealed: string }>(
    "auth",
    "SELECT kid, private_jwk_sealed FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
  );
  if (!row) throw new Error("auth has no signing key yet");
  const jwk = JSON.parse(await unseal(inject("keySecret"), row.private_jwk_sealed)) as JWK;
  const now = Math.floor(Date.now() / 1000);
  const userId = `usr_reliability_${++syntheticSeq}_${randomUUID().slice(0, 8)}`;
  const token = await new SignJWT({
    sub: userId,
    roles: ["customer"],
    iss: "marketplace-auth",
    aud: "marketplace-api",
    jti: randomUUID(),
  })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: row.kid })
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(await importJWK(jwk, "ES256"));
  return { token, userId };
}

// Catalog

export async function category(): Promise<string> {
  const slug = `rel-${randomUUID().slice(0, 8)}`;
  return (
    await must<{ id: string }>(201, "POST", "/api/v1/admin/categories", { token: admin(), body: { name: slug, slug } })
  ).id;
}

export interface Sku {
  sku: string;
  productId: string;
  price: number;
  vendor: Vendor;
  initialStock: number;
}

/** A published product with one SKU and `stock` units, on sale (catalog has heard of the vendor's approval). */
export async function product(v: Vendor, categoryId: string, price: number, stock: number): Promise<Sku> {
  const created = await must<{ id: string; variants: { sku: string }[] }>(201, "POST", "/api/v1/vendor/products", {
    token: v.token,
    body: { title: `Reliability item ${price}`, categoryId, currency: "EUR", variants: [{ price }] },
  });
  const sku = created.variants[0]?.sku ?? "";
  await must(200, "PUT", `/api/v1/vendor/inventory/${sku}`, { token: v.token, body: { onHand: stock } });
  await must(200, "POST", `/api/v1/vendor/products/${created.id}/publish`, { token: v.token });
  await eventually(
    `product ${created.id} on sale`,
    () => call("GET", `/api/v1/products/${created.id}`, { token: v.token }),
    (a) => a.status === 200,
  );
  return { sku, productId: created.id, price, vendor: v, initialStock: stock };
}

// Orders

export interface OrderView {
  id: string;
  status: string;
  total: number;
  currency: string;
  lines: { sku: string; qty: number; lineTotal: number; vendorId: string }[];
  refund: { amount: number; status: string; reason: string } | null;
  subOrders: {
    id: string;
    vendorId: string;
    total: number;
    refunded: number;
    status: string;
    trackingNumber: string | null;
  }[];
  history: { status: string; at: string; note: string | null }[];
  updatedAt: string;
}

export interface Checkout {
  order: OrderView;
  payment: { id: string; status: string } | null;
}

export const DELIVERY = {
  recipient: "Ada Lovelace",
  line1: "12 St James's Square",
  city: "London",
  postalCode: "SW1Y 4JH",
  country: "GB",
};

export async function addToCart(shopperToken: string, s: Sku, qty: number): Promise<void> {
  await must(200, "POST", "/api/v1/cart/items", { token: shopperToken, body: { sku: s.sku, qty } });
}

export function checkout(
  shopperToken: string,
  idempotencyKey: string,
  paymentMethod?: string,
): Promise<Answer<Checkout>> {
  return call<Checkout>("POST", "/api/v1/checkout", {
    token: shopperToken,
    idempotencyKey,
    body: { shippingAddress: DELIVERY, ...(paymentMethod ? { paymentMethod } : {}) },
  });
}

export async function order(shopperToken: string, id: string): Promise<OrderView> {
  return must<OrderView>(200, "GET", `/api/v1/orders/${id}`, { token: shopperToken });
}

export function untilOrder(
  shopperToken: string,
  id: string,
  done: (o: OrderView) => boolean,
  what = "order",
  timeoutMs = 30_000,
): Promise<OrderView> {
  return eventually(`${what} ${id}`, () => order(shopperToken, id), done, timeoutMs);
}

/** A paid order (pm_card_visa, the fake's webhook delivered) and, for connected vendors, its transfers made. */
export async function paidOrder(
  lines: { sku: Sku; qty: number }[],
): Promise<{ shopper: Account; order: OrderView; paymentId: string }> {
  const buyer = await shopper();
  for (const line of lines) await addToCart(buyer.token, line.sku, line.qty);
  const placed = await checkout(buyer.token, key(), "pm_card_visa");
  if (placed.status !== 201) throw new Error(`checkout answered ${placed.status}: ${JSON.stringify(placed.body)}`);
  const paid = await untilOrder(buyer.token, placed.body.order.id, (o) => o.status === "paid", "paid");
  const connected = new Set(lines.filter((l) => l.sku.vendor.accountId).map((l) => l.sku.vendor.vendorId));
  await eventually(
    `transfers of ${paid.id}`,
    () => stripeObjects<{ transfer_group: string }>("transfers"),
    (all) => all.filter((t) => t.transfer_group === paid.id).length === connected.size,
  );
  return { shopper: buyer, order: paid, paymentId: placed.body.payment?.id ?? "" };
}

// Payments

export interface Payouts {
  account: { id: string; payoutsEnabled: boolean } | null;
  balances: { currency: string; owed: number }[];
  items: { id: number; kind: string; amount: number; subOrderId: string; orderId: string; reference: string | null }[];
  nextCursor: string | null;
}

/** The whole ledger of a vendor, every page. */
export async function payouts(v: Account): Promise<Payouts> {
  const first = await must<Payouts>(200, "GET", "/api/v1/vendor/payouts?limit=100", { token: v.token });
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await must<Payouts>(
      200,
      "GET",
      `/api/v1/vendor/payouts?limit=100&cursor=${encodeURIComponent(cursor)}`,
      { token: v.token },
    );
    first.items.push(...page.items);
    cursor = page.nextCursor;
  }
  return first;
}

export function refund(
  v: Account,
  orderId: string,
  subOrderId: string,
  idempotencyKey: string,
  amount?: number,
): Promise<Answer<{ refundId: string; amount: number; reversal: number }>> {
  return call("POST", `/api/v1/orders/${orderId}/refund`, {
    token: v.token,
    idempotencyKey,
    body: { subOrderId, ...(amount ? { amount } : {}) },
  });
}

// The Stripe fake ("Stripe"): its objects are the truth the books are checked against.

export async function stripe<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject("stripeUrl")}/_fake${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`stripe fake ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function stripeObjects<T>(
  kind: "payment_intents" | "charges" | "refunds" | "transfers" | "transfer_reversals" | "accounts",
): Promise<T[]> {
  return (await stripe<{ data: T[] }>("GET", `/objects/${kind}`)).data;
}

/** A call to the Stripe API itself, as Stripe.js or a dashboard would make it (form-encoded, any test key). */
export async function stripeApi<T = unknown>(
  method: string,
  path: string,
  form: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(`${inject("stripeUrl")}${path}`, {
    method,
    headers: { authorization: "Bearer sk_test_reliability", "content-type": "application/x-www-form-urlencoded" },
    body: method === "GET" ? undefined : new URLSearchParams(form).toString(),
  });
  return (await res.json()) as T;
}

export interface StripeEvent {
  id: string;
  type: string;
  payload: string;
}

export async function events(type?: string): Promise<StripeEvent[]> {
  return (await stripe<{ events: StripeEvent[] }>("GET", `/events${type ? `?type=${encodeURIComponent(type)}` : ""}`))
    .events;
}

/** Events about an order: its PaymentIntent's (by metadata) and its charge's. */
export async function eventsOfOrder(orderId: string, intentId: string): Promise<StripeEvent[]> {
  return (await events()).filter((e) => {
    const object = (
      JSON.parse(e.payload) as {
        data: { object: { id?: string; metadata?: Record<string, string>; payment_intent?: string } };
      }
    ).data.object;
    return object.metadata?.order_id === orderId || object.payment_intent === intentId || object.id === intentId;
  });
}

/** Has the fake send an event to the gateway again, as Stripe retries and as an operator's "resend" does. */
export function redeliver(eventId: string): Promise<{ attempts: { status: number | null }[] }> {
  return stripe("POST", `/events/${eventId}/deliver`);
}

export async function fault(rule: {
  mode: "drop" | "fail" | "hang";
  path: string;
  times?: number;
  hangMs?: number;
}): Promise<void> {
  await stripe("POST", "/faults", rule);
}

export async function clearFaults(): Promise<void> {
  await stripe("DELETE", "/faults");
}

// The machine

export async function control<T = unknown>(action: "crash" | "restart" | "tap"): Promise<T> {
  const res = await fetch(`${inject("controlUrl")}/${action}`, { method: "POST" });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`control ${action}: ${body.error}`);
  return body;
}

interface Delivery {
  eventId: string;
  type: string;
  state: "pending" | "delivered" | "failed" | "no_endpoint";
}

/**
 * Stripe keeps retrying a webhook for three days; the fake gives up after four attempts in ~10 s, less than a restart
 * takes. So once the system is back and the fake's own retries are over, every event no attempt delivered is sent
 * again, as Stripe's later retries would. Returns the events resent.
 */
export async function stripeRetriesUndelivered(timeoutMs = 15_000): Promise<{ id: string; type: string }[]> {
  const deliveries = await eventually(
    "the fake's own webhook retries to finish",
    async () => (await stripe<{ deliveries: Delivery[] }>("GET", "/deliveries")).deliveries,
    (all) => !all.some((d) => d.state === "pending"),
    timeoutMs,
  );
  const delivered = new Set(deliveries.filter((d) => d.state === "delivered").map((d) => d.eventId));
  const lost = new Map(
    deliveries.filter((d) => d.state === "failed" && !delivered.has(d.eventId)).map((d) => [d.eventId, d.type]),
  );
  for (const id of lost.keys()) await redeliver(id);
  return [...lost].map(([id, type]) => ({ id, type }));
}
