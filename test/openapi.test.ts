import { beforeAll, describe, expect, it } from "vitest";
import { PROBLEM_TABLE, type ProblemSlug, problemUri } from "#lib/http/problem.ts";
import {
  adminSession,
  api,
  DELIVERY,
  freshIp,
  PASSWORD,
  type Session,
  signUp,
  uniqueEmail,
  vendorSession,
} from "./helpers.ts";

const DOCUMENTED = new Set<string>(Object.keys(PROBLEM_TABLE).map((slug) => problemUri(slug as ProblemSlug)));

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Schema = { allOf?: Schema[]; properties?: { type?: { enum?: string[] } } };
type Document = { tags?: { name: string; description?: string }[]; paths: Record<string, Record<string, Operation>> };

/** The problem types one response documents (the Problem schema narrowed by an allOf). */
const typesOf = (schema: Schema | undefined): string[] =>
  (schema?.allOf ?? []).flatMap((part) => part.properties?.type?.enum ?? []);

describe("the OpenAPI document", () => {
  let doc: Document;
  let operations: (Operation & { key: string })[];
  beforeAll(async () => {
    const res = await api("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    doc = await res.json<Document>();
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, key: `${method.toUpperCase()} ${path}` })),
    );
  });

  it("gives every operation a unique camelCase operationId", () => {
    const ids = operations.map((op) => op.operationId);
    for (const [i, id] of ids.entries()) expect(id, operations[i]?.key).toMatch(/^[a-z][a-zA-Z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("tags every operation with one declared, described tag", () => {
    const declared = new Map(doc.tags?.map((tag) => [tag.name, tag.description]));
    for (const op of operations) {
      expect(op.tags, op.key).toHaveLength(1);
      expect(declared.get(op.tags?.[0] ?? ""), op.key).toBeTruthy();
    }
  });

  it("gives every operation a summary and a description", () => {
    for (const op of operations) {
      expect(op.summary, op.key).toBeTruthy();
      expect(op.description, op.key).toMatch(/Callable by /);
    }
  });

  it("names the documented problem types every error response of every operation can carry", () => {
    for (const op of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect(errors.length, op.key).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        const types = typesOf(response.content?.["application/problem+json"]?.schema);
        expect(types.length, `${op.key} ${status}`).toBeGreaterThan(0);
        for (const type of types) expect(DOCUMENTED, `${op.key} ${status}`).toContain(type);
      }
    }
  });
});

/** Asserts a problem+json answer of this status whose type is in the table, and returns the type. */
async function documentedProblem(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await res.json<{ type: string; title: string; status: number }>();
  expect(DOCUMENTED).toContain(body.type);
  expect(body.status).toBe(status);
  expect(body.title).toBe(PROBLEM_TABLE[body.type.replace("/problems/", "") as ProblemSlug].title);
  return body.type;
}

describe("every failure the gateway answers has a documented problem type", () => {
  let customer: Session;
  let vendor: Session;
  beforeAll(async () => {
    customer = await signUp("Problem tester");
    vendor = await vendorSession(await adminSession(), "Problem store");
  });

  it("malformed JSON and a body failing its schema: validation", async () => {
    const register = "/api/v1/auth/register";
    expect(await documentedProblem(await api("POST", register, { body: "{not json" }), 400)).toBe(
      "/problems/validation",
    );
    expect(await documentedProblem(await api("POST", register, { body: { email: "x" } }), 400)).toBe(
      "/problems/validation",
    );
  });

  it("a bad query and a forged cursor", async () => {
    expect(await documentedProblem(await api("GET", "/api/v1/products?minPrice=cheap"), 400)).toBe(
      "/problems/validation",
    );
    const orders = await api("GET", "/api/v1/orders?cursor=!!", { token: customer.accessToken });
    expect(await documentedProblem(orders, 400)).toBe("/problems/invalid-cursor");
  });

  it("no token, a bad token, and the wrong role", async () => {
    expect(await documentedProblem(await api("GET", "/api/v1/me"), 401)).toBe("/problems/unauthenticated");
    expect(await documentedProblem(await api("GET", "/api/v1/me", { token: "not.a.jwt" }), 401)).toBe(
      "/problems/unauthenticated",
    );
    const asCustomer = await api("GET", "/api/v1/vendor/products", { token: customer.accessToken });
    expect(await documentedProblem(asCustomer, 403)).toBe("/problems/forbidden");
    const asVendor = await api("GET", "/api/v1/admin/vendors", { token: vendor.accessToken });
    expect(await documentedProblem(asVendor, 403)).toBe("/problems/forbidden");
  });

  it("an unknown id, an unknown route and a method the path does not take: not found", async () => {
    expect(await documentedProblem(await api("GET", "/api/v1/products/prd_missing"), 404)).toBe("/problems/not-found");
    expect(await documentedProblem(await api("GET", "/api/v1/nowhere"), 404)).toBe("/problems/not-found");
    expect(await documentedProblem(await api("PUT", "/api/v1/categories"), 404)).toBe("/problems/not-found");
  });

  it("a body too large and a media type the route does not take", async () => {
    const big = { email: uniqueEmail(), password: PASSWORD, name: "x".repeat(70_000) };
    const tooLarge = await api("POST", "/api/v1/auth/register", { body: big });
    expect(await documentedProblem(tooLarge, 413)).toBe("/problems/body-too-large");
    const text = await api("POST", "/api/v1/auth/login", { body: "hello", headers: { "content-type": "text/plain" } });
    expect(await documentedProblem(text, 415)).toBe("/problems/unsupported-media-type");
  });

  it("the failures a client branches on carry their own type", async () => {
    const taken = await api("POST", "/api/v1/auth/register", {
      body: { email: customer.email, password: PASSWORD, name: "Again" },
    });
    expect(await documentedProblem(taken, 409)).toBe("/problems/email-taken");
    const wrong = await api("POST", "/api/v1/auth/login", { body: { email: customer.email, password: "wrong pass" } });
    expect(await documentedProblem(wrong, 401)).toBe("/problems/invalid-credentials");
    const stale = await api("POST", "/api/v1/auth/refresh", { body: { refreshToken: "x".repeat(40) } });
    expect(await documentedProblem(stale, 401)).toBe("/problems/refresh-token-invalid");
    const empty = await api("POST", "/api/v1/checkout", {
      token: customer.accessToken,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { shippingAddress: DELIVERY },
    });
    expect(await documentedProblem(empty, 409)).toBe("/problems/cart-empty");
  });

  it("too many failed sign-ins from one address: rate limited", async () => {
    const ip = freshIp();
    let last: Response | undefined;
    for (let attempt = 0; attempt < 15; attempt++) {
      last = await api("POST", "/api/v1/auth/login", { body: { email: uniqueEmail(), password: "wrong pass" }, ip });
      if (last.status === 429) break;
    }
    expect(last && (await documentedProblem(last, 429))).toBe("/problems/rate-limited");
  });

  it("each problem type's URI dereferences to its title and description", async () => {
    const res = await api("GET", "/problems/email-taken");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: "/problems/email-taken", ...PROBLEM_TABLE["email-taken"] });
    await documentedProblem(await api("GET", "/problems/no-such-type"), 404);
  });
});

describe("/api/docs works offline", () => {
  it("references only same-origin scripts and stylesheets, which answer with their content", async () => {
    const res = await api("GET", "/api/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const urls = [...html.matchAll(/<(?:script|link)[^>]*(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(urls.length).toBeGreaterThanOrEqual(2);
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>[^<]/);
    for (const url of urls) {
      const asset = await api("GET", url);
      expect(asset.status, url).toBe(200);
      const type = url.endsWith(".css") ? "text/css" : "text/javascript";
      expect(asset.headers.get("content-type"), url).toContain(type);
      expect((await asset.text()).length, url).toBeGreaterThan(50);
    }
  });
});
