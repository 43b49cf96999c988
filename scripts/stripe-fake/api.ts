// One /v1 request, as Stripe treats it: API key, form parameters, Idempotency-Key replay or refusal, the route, expand[].
import type { IncomingMessage } from "node:http";
import { accountRoutes } from "./accounts.ts";
import { chargeRoutes } from "./charges.ts";
import { idempotencyError, invalidRequest, StripeApiError, unauthorized } from "./errors.ts";
import { API_VERSION, eventRoutes } from "./events.ts";
import { expand } from "./expand.ts";
import { fingerprint, IdempotencyStore, isSaved, MAX_KEY_LENGTH } from "./idempotency.ts";
import { expandPaths, parseForm } from "./params.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";
import { refundRoutes } from "./refunds.ts";
import { type Fake, match } from "./router.ts";
import { transferRoutes } from "./transfers.ts";

const ROUTES = [
  ...paymentIntentRoutes,
  ...chargeRoutes,
  ...refundRoutes,
  ...transferRoutes,
  ...accountRoutes,
  ...eventRoutes,
];

export interface Answer {
  status: number;
  text: string;
  headers: Record<string, string>;
}

export const json = (body: unknown) => JSON.stringify(body, null, 2);

export function errorAnswer(error: unknown, headers: Record<string, string> = {}): Answer {
  if (error instanceof StripeApiError) return { status: error.status, text: json({ error: error.body }), headers };
  console.error("stripe fake: unexpected error", error);
  return {
    status: 500,
    text: json({ error: { type: "api_error", message: "An unexpected error occurred in the local Stripe fake." } }),
    headers,
  };
}

/** `Bearer sk_test_…` (or Basic with the key as user name, as curl -u sends it); any test-mode secret key is accepted. */
function apiKey(authorization: string | undefined): string {
  if (!authorization) {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const [scheme = "", credentials = ""] = authorization.trim().split(/\s+/, 2);
  const key =
    scheme.toLowerCase() === "basic"
      ? (Buffer.from(credentials, "base64").toString("utf8").split(":")[0] ?? "")
      : credentials;
  if (scheme.toLowerCase() !== "bearer" && scheme.toLowerCase() !== "basic")
    throw unauthorized("Invalid authorization header: use Bearer auth with your secret key.");
  if (!/^sk_test_\w+$/.test(key))
    throw unauthorized(
      `Invalid API Key provided: ${key.slice(0, 8)}${"*".repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`,
    );
  return key;
}

export class Api {
  private readonly fake: Fake;
  private readonly idempotency = new IdempotencyStore();

  constructor(fake: Fake) {
    this.fake = fake;
  }

  reset(): void {
    this.idempotency.reset();
  }

  async handle(req: IncomingMessage, url: URL, body: string, requestId: string): Promise<Answer> {
    const method = req.method ?? "GET";
    const key = method === "POST" ? (req.headers["idempotency-key"]?.toString() ?? null) : null;
    const version = req.headers["stripe-version"]?.toString() ?? API_VERSION;
    const headers: Record<string, string> = {
      "request-id": requestId,
      "stripe-version": version,
      ...(key === null ? {} : { "idempotency-key": key }),
    };
    try {
      const account = apiKey(req.headers.authorization);
      const params = parseForm(method === "POST" ? body : url.search.slice(1));
      if (key === null) return { ...(await this.run(method, url, params, body, requestId, null)), headers };
      if (key.length > MAX_KEY_LENGTH)
        throw invalidRequest(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`);
      const print = fingerprint(method, url.pathname, params);
      const found = this.idempotency.lookup(account, key, print);
      if (found === "conflict") throw idempotencyError(key);
      if (found)
        return {
          status: found.replay.status,
          text: found.replay.body,
          headers: { ...headers, "idempotent-replayed": "true" },
        };
      const answer = await this.run(method, url, params, body, requestId, key);
      if (isSaved(answer.status)) this.idempotency.save(account, key, print, answer.status, answer.text);
      return { ...answer, headers };
    } catch (error) {
      return errorAnswer(error, headers);
    }
  }

  private async run(
    method: string,
    url: URL,
    params: ReturnType<typeof parseForm>,
    body: string,
    requestId: string,
    key: string | null,
  ) {
    try {
      const found = match(ROUTES, method, url.pathname);
      if (!found) {
        throw invalidRequest(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          {
            status: 404,
          },
        );
      }
      const context = {
        fake: this.fake,
        path: found.path,
        params,
        query: url.searchParams,
        body,
        origin: { requestId, idempotencyKey: key },
      };
      const reply = await found.route.handle(context);
      const expanded = expand(reply.body, expandPaths(params), (id) => this.fake.store.find(id));
      return { status: reply.status, text: json(expanded) };
    } catch (error) {
      return errorAnswer(error);
    }
  }
}
