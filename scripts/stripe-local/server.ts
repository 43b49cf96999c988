// A Stripe-compatible server for development and tests: the real `stripe` SDK talks to it
// (STRIPE_API_BASE) because Stripe itself cannot be reached from these machines.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import qs from "qs";
import { EventLog } from "./events.ts";
import { type Params, type Reply, StripeError, StripeState } from "./resources.ts";

export interface StripeFakeOptions {
  port?: number;
  host?: string;
  webhookUrl?: string;
  webhookSecret: string;
}

export interface StripeFake {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Route = { method: string; pattern: RegExp; handle: (state: StripeState, match: string[], params: Params, key: string | null) => Reply };

const API: Route[] = [
  { method: "POST", pattern: /^\/v1\/payment_intents$/, handle: (s, _m, p, k) => s.createPaymentIntent(p, k) },
  { method: "GET", pattern: /^\/v1\/payment_intents\/([^/]+)$/, handle: (s, m) => s.get("payment_intents", m[1] ?? "") },
  { method: "POST", pattern: /^\/v1\/payment_intents\/([^/]+)\/confirm$/, handle: (s, m, p, k) => s.confirmPaymentIntent(m[1] ?? "", p, k) },
  { method: "POST", pattern: /^\/v1\/payment_intents\/([^/]+)\/cancel$/, handle: (s, m, _p, k) => s.cancelPaymentIntent(m[1] ?? "", k) },
  { method: "POST", pattern: /^\/v1\/refunds$/, handle: (s, _m, p, k) => s.createRefund(p, k) },
  { method: "POST", pattern: /^\/v1\/transfers$/, handle: (s, _m, p) => s.createTransfer(p) },
  { method: "GET", pattern: /^\/v1\/transfers\/([^/]+)$/, handle: (s, m) => s.get("transfers", m[1] ?? "") },
  { method: "POST", pattern: /^\/v1\/transfers\/([^/]+)\/reversals$/, handle: (s, m, p) => s.reverseTransfer(m[1] ?? "", p) },
  { method: "POST", pattern: /^\/v1\/accounts$/, handle: (s, _m, p) => s.createAccount(p) },
  { method: "GET", pattern: /^\/v1\/accounts\/([^/]+)$/, handle: (s, m) => s.get("accounts", m[1] ?? "") },
  { method: "POST", pattern: /^\/v1\/account_links$/, handle: (s, _m, p) => s.createAccountLink(p) },
];

export async function startStripeFake(options: StripeFakeOptions): Promise<StripeFake> {
  let baseUrl = "";
  const events = new EventLog(options.webhookSecret, options.webhookUrl);
  const state = new StripeState(events, () => baseUrl);
  // Idempotency-Key → the request's parameters and the stored answer, per API key, as Stripe keeps them.
  const idempotent = new Map<string, { params: string; reply: Reply }>();
  const faults = { dropResponses: 0 };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname.startsWith("/_fake/")) return controls(req.method ?? "GET", url, body, res);
      return api(req, url, body, res);
    });
  });

  function api(req: IncomingMessage, url: URL, body: string, res: ServerResponse): void {
    const auth = req.headers.authorization ?? "";
    if (!/^Bearer sk_test_/.test(auth)) {
      return send(res, { status: 401, body: { error: { type: "invalid_request_error", message: "Invalid API Key provided." } } });
    }
    const route = API.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    if (!route) return send(res, { status: 404, body: { error: { type: "invalid_request_error", message: `Unrecognized request URL (${req.method}: ${url.pathname}).` } } });
    const params = qs.parse(body || url.search.slice(1)) as Params;
    const key = req.method === "POST" ? (headerOf(req, "idempotency-key") ?? null) : null;
    const scoped = key ? `${auth} ${key}` : null;
    const previous = scoped ? idempotent.get(scoped) : undefined;
    let reply: Reply;
    if (previous && previous.params !== body) {
      reply = { status: 400, body: { error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used with the same parameters they were first used with." } } };
    } else if (previous) {
      res.setHeader("idempotent-replayed", "true");
      reply = previous.reply;
    } else {
      reply = run(() => route.handle(state, route.pattern.exec(url.pathname) ?? [], params, key));
      if (scoped) idempotent.set(scoped, { params: body, reply });
    }
    // A network failure after Stripe did the work: the client never hears the answer.
    if (faults.dropResponses > 0) {
      faults.dropResponses -= 1;
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  function controls(method: string, url: URL, body: string, res: ServerResponse): void {
    const path = url.pathname;
    const onboarding = /^\/_fake\/onboarding\/([^/]+)$/.exec(path);
    const signed = /^\/_fake\/events\/([^/]+)\/signed$/.exec(path);
    const redeliver = /^\/_fake\/events\/([^/]+)\/deliver$/.exec(path);
    const dispute = /^\/_fake\/payment_intents\/([^/]+)\/dispute$/.exec(path);
    const objects = /^\/_fake\/objects\/(payment_intents|transfers|refunds|accounts)$/.exec(path);
    const find = (id: string) => events.events.find((e) => e.id === id);
    if (method === "GET" && path === "/_fake/events") {
      const type = url.searchParams.get("type");
      return send(res, { status: 200, body: { events: events.events.filter((e) => !type || e.type === type).map((e) => events.signed(e)) } });
    }
    if (method === "GET" && signed) {
      const event = find(signed[1] ?? "");
      const timestamp = url.searchParams.get("timestamp");
      return send(res, event ? { status: 200, body: events.signed(event, timestamp ? Number(timestamp) : undefined) } : { status: 404, body: {} });
    }
    if (method === "POST" && redeliver) {
      const event = find(redeliver[1] ?? "");
      if (event) void events.deliver(event);
      return send(res, { status: event ? 200 : 404, body: {} });
    }
    if (method === "GET" && onboarding) {
      const reply = run(() => (state.completeOnboarding(onboarding[1] ?? ""), { status: 200, body: {} }));
      const back = url.searchParams.get("return_url");
      if (reply.status === 200 && back) {
        res.writeHead(302, { location: back }).end();
        return;
      }
      return send(res, reply);
    }
    if (method === "POST" && dispute) return send(res, run(() => ({ status: 200, body: state.dispute(dispute[1] ?? "") })));
    if (method === "POST" && path === "/_fake/faults") {
      faults.dropResponses = Number((JSON.parse(body || "{}") as { dropResponses?: number }).dropResponses ?? 0);
      return send(res, { status: 200, body: faults });
    }
    if (method === "GET" && objects) {
      const kind = objects[1] as "payment_intents" | "transfers" | "refunds" | "accounts";
      const map = { payment_intents: state.paymentIntents, transfers: state.transfers, refunds: state.refunds, accounts: state.accounts }[kind];
      return send(res, { status: 200, body: { data: [...map.values()] } });
    }
    send(res, { status: 404, body: { error: { message: `no test control ${method} ${path}` } } });
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${options.host ?? "127.0.0.1"}:${port}`;
  return {
    url: baseUrl,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function run(handle: () => Reply): Reply {
  try {
    return handle();
  } catch (error) {
    if (error instanceof StripeError) return { status: error.status, body: { error: error.error } };
    return { status: 500, body: { error: { type: "api_error", message: String(error) } } };
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { "content-type": "application/json", "request-id": `req_${Date.now()}` });
  res.end(JSON.stringify(reply.body));
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}
