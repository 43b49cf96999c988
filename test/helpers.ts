import { env, exports } from "cloudflare:workers";
import { decodeJwt, importJWK, type JWK, type JWTPayload, SignJWT } from "jose";
import { expect } from "vitest";
import { newId } from "#lib/contracts/ids.ts";
import { unseal } from "../workers/auth/src/services/key-sealing.ts";
import { hashPassword } from "../workers/auth/src/services/passwords.ts";

export const PASSWORD = "a long enough password";

let ipSeq = 0;
/** Each test calls from its own address, so the per-IP limits of one test never touch another. */
export function freshIp(): string {
  ipSeq += 1;
  return `198.51.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  ip?: string;
  headers?: Record<string, string>;
}

/** A request to the gateway, as a client on the internet would send it. */
export function api(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  // Unless a test cares about the address, each request comes from its own, so per-IP limits never couple tests.
  const headers: Record<string, string> = { "cf-connecting-ip": opts.ip ?? freshIp(), ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.body instanceof Uint8Array) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  return exports.default.fetch(`http://gateway.test${path}`, { method, headers, body });
}

export interface Session {
  userId: string;
  email: string;
  accessToken: string;
  refreshToken: string;
}

let userSeq = 0;
export function uniqueEmail(prefix = "shopper"): string {
  return `${prefix}${++userSeq}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export async function login(email: string, password = PASSWORD, ip = freshIp()): Promise<Session> {
  const res = await api("POST", "/api/v1/auth/login", { body: { email, password }, ip });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const tokens = await res.json<{ accessToken: string; refreshToken: string }>();
  const { sub = "" } = decodeJwt(tokens.accessToken);
  return { userId: sub, email, ...tokens };
}

/** Registers through the gateway and signs in. */
export async function signUp(name = "Shopper"): Promise<Session> {
  const email = uniqueEmail();
  const res = await api("POST", "/api/v1/auth/register", { body: { email, password: PASSWORD, name }, ip: freshIp() });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
  return login(email);
}

/** An admin: a role the public API never grants, so it is written straight into auth's database, then signed in. */
export async function adminSession(): Promise<Session> {
  const email = uniqueEmail("admin");
  const now = new Date().toISOString();
  await env.AUTH_DB.prepare(
    "INSERT INTO users (id, email, name, password_hash, roles, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(newId("user"), email, "Admin", hashPassword(PASSWORD), JSON.stringify(["customer", "admin"]), now, now)
    .run();
  return login(email);
}

/** A user who applied to sell, was approved by the admin, and signed in again: the token now carries the vendor. */
export async function vendorSession(admin: Session, name = "Store"): Promise<Session & { vendorId: string }> {
  const owner = await signUp(name);
  await profileOf(owner);
  const slug = `store-${crypto.randomUUID().slice(0, 8)}`;
  const applied = await api("POST", "/api/v1/vendors", {
    token: owner.accessToken,
    body: { name, slug, description: "Things." },
  });
  if (applied.status !== 201) throw new Error(`apply failed: ${applied.status} ${await applied.text()}`);
  const { id: vendorId } = await applied.json<{ id: string }>();
  const approved = await api("POST", `/api/v1/admin/vendors/${vendorId}/approve`, {
    token: admin.accessToken,
    body: {},
  });
  if (approved.status !== 200) throw new Error(`approve failed: ${approved.status} ${await approved.text()}`);
  return { ...(await login(owner.email)), vendorId };
}

/** The caller's profile: it exists the moment registration answers (a first read creates it, before user.registered arrives). */
export async function profileOf(session: Session): Promise<Response> {
  const res = await api("GET", "/api/v1/me", { token: session.accessToken });
  if (res.status !== 200) throw new Error(`no profile: ${res.status} ${await res.text()}`);
  return res;
}

/** Auth's current signing key, unsealed: lets the attack suite forge tokens that differ from a good one in exactly one way. */
export async function authSigningKey() {
  const row = await env.AUTH_DB.prepare(
    "SELECT kid, private_jwk_sealed FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
  ).first<{
    kid: string;
    private_jwk_sealed: string;
  }>();
  if (!row) throw new Error("no signing key yet: sign someone in first");
  const jwk = JSON.parse(await unseal(env.KEY_ENCRYPTION_SECRET, row.private_jwk_sealed)) as JWK;
  return { kid: row.kid, key: await importJWK(jwk, "ES256") };
}

/** A token like auth's, with any claim or header changed. */
export async function forgeToken(claims: JWTPayload, header: Record<string, unknown> = {}) {
  const { kid, key } = await authSigningKey();
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid, ...header }).sign(key);
}

/** The smallest valid PNG: one transparent pixel. */
export const TINY_PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (ch) => ch.charCodeAt(0),
);

export interface ProductOptions {
  title?: string;
  description?: string;
  tags?: string[];
  categoryId: string;
  currency?: string;
  variants?: { price: number; attributes?: Record<string, string>; weightGrams?: number }[];
}

/** A vendor's product through the API: created, optionally stocked and published. */
export async function createProduct(
  vendor: Session,
  opts: ProductOptions,
  then: { stock?: number; publish?: boolean } = {},
) {
  const res = await api("POST", "/api/v1/vendor/products", {
    token: vendor.accessToken,
    body: {
      title: opts.title ?? "Plain mug",
      description: opts.description ?? "",
      tags: opts.tags ?? [],
      categoryId: opts.categoryId,
      currency: opts.currency ?? "EUR",
      variants: opts.variants ?? [{ price: 1200 }],
    },
  });
  if (res.status !== 201) throw new Error(`create product failed: ${res.status} ${await res.text()}`);
  const product = await res.json<{ id: string; variants: { sku: string }[] }>();
  if (then.stock !== undefined) {
    for (const { sku } of product.variants) {
      const stocked = await api("PUT", `/api/v1/vendor/inventory/${sku}`, {
        token: vendor.accessToken,
        body: { onHand: then.stock },
      });
      if (stocked.status !== 200) throw new Error(`stock failed: ${stocked.status}`);
    }
  }
  if (then.publish) {
    const published = await api("POST", `/api/v1/vendor/products/${product.id}/publish`, { token: vendor.accessToken });
    if (published.status !== 200) throw new Error(`publish failed: ${published.status}`);
  }
  return product;
}

export async function createCategory(admin: Session, slug: string, parentId?: string): Promise<string> {
  const res = await api("POST", "/api/v1/admin/categories", {
    token: admin.accessToken,
    body: { name: slug, slug, parentId },
  });
  if (res.status !== 201) throw new Error(`category failed: ${res.status} ${await res.text()}`);
  return (await res.json<{ id: string }>()).id;
}

/** A signed-in customer without the cost of registering: a token signed with auth's own key (for crowds of shoppers). */
export async function syntheticShopper(n: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return forgeToken({
    sub: `usr_synthetic_${n}_${crypto.randomUUID().slice(0, 8)}`,
    roles: ["customer"],
    iss: "marketplace-auth",
    aud: "marketplace-api",
    iat: now,
    exp: now + 900,
  });
}

/** What the payments Worker will publish when an order's payment settles. */
export async function publishPaymentEvent(
  type: "payment.succeeded" | "payment.failed",
  data: Record<string, unknown>,
): Promise<void> {
  await env.ORDERS_INBOX.send(
    {
      id: `evt_test_${crypto.randomUUID()}`,
      type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "payments",
      traceId: "test-payments",
      data,
    },
    { contentType: "json" },
  );
}

export const DELIVERY = {
  recipient: "Ada Lovelace",
  line1: "12 St James's Square",
  city: "London",
  postalCode: "SW1Y 4JH",
  country: "GB",
};

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 200): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("condition never held");
}

/** Asserts an RFC 9457 problem of the given status and returns its body. */
export async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const problem = await res.json<{
    type: string;
    status: number;
    title: string;
    detail?: string;
    errors?: { path: string; message: string }[];
  }>();
  expect(problem.status).toBe(status);
  return problem;
}

export interface ArrangedReview {
  id: string;
  productId: string;
  vendorId: string;
  userId: string;
  rating: number;
}

/**
 * A review written straight into the reviews database, as if its author had a delivered purchase
 * (the delivery flow lives elsewhere). With `publish`, its review.updated (version 1) goes to the
 * catalog and vendors inboxes as the reviews Worker's outbox would send it.
 */
export async function arrangeReview(
  review: Omit<ArrangedReview, "id">,
  opts: { publish?: boolean } = {},
): Promise<ArrangedReview> {
  const id = newId("review");
  const now = new Date().toISOString();
  await env.REVIEWS_DB.prepare(
    `INSERT INTO reviews (id, product_id, vendor_id, user_id, author_name, rating, title, body, status, version, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'Arranged author', ?, 'Arranged', 'An arranged review.', 'visible', 1, ?, ?)`,
  )
    .bind(id, review.productId, review.vendorId, review.userId, review.rating, now, now)
    .run();
  if (opts.publish) {
    const event = {
      id: newId("event"),
      type: "review.updated",
      version: 1,
      occurredAt: now,
      source: "reviews",
      traceId: crypto.randomUUID(),
      data: {
        version: 1,
        review: { ...review, id, title: "Arranged", visible: true, reply: null, createdAt: now },
      },
    };
    await Promise.all([env.CATALOG_INBOX.send(event), env.VENDORS_INBOX.send(event)]);
  }
  return { id, ...review };
}
