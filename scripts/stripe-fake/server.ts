// A Stripe-compatible server for development and tests: the real `stripe` SDK talks to it, since Stripe itself is out of
// reach here. In memory, on 127.0.0.1 only; the one address it ever contacts is the webhook URL it is given.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { onboardingRoutes } from "./accounts.ts";
import { type Answer, Api, errorAnswer, json } from "./api.ts";
import { controlRoutes } from "./controls.ts";
import { invalidRequest, StripeApiError } from "./errors.ts";
import { EventLog } from "./events.ts";
import { type FaultRule, Faults } from "./faults.ts";
import { parseForm } from "./params.ts";
import { type Fake, match } from "./router.ts";
import { newId, Store } from "./state.ts";
import { WebhookSender } from "./webhooks.ts";

export interface StripeFakeOptions {
  /** 0 picks any free port. Default 12111. */
  port?: number;
  /** A loopback address; default 127.0.0.1. */
  host?: string;
  /** Where every event is POSTed, signed; without it events are only kept (see /_fake/events). */
  webhookUrl?: string;
  /** The `whsec_…` secret webhooks are signed with. */
  webhookSecret: string;
}

export interface StripeFake {
  url: string;
  port: number;
  close(): Promise<void>;
}

const CONTROL_ROUTES = [...controlRoutes, ...onboardingRoutes];
const MAX_BODY_BYTES = 1024 * 1024;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk instanceof Buffer ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw invalidRequest("The request body is too large.", { status: 413 });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function control(fake: Fake, req: IncomingMessage, url: URL, body: string): Promise<Answer> {
  const method = req.method ?? "GET";
  const found = match(CONTROL_ROUTES, method, url.pathname);
  if (!found) return errorAnswer(invalidRequest(`No test control ${method} ${url.pathname}.`, { status: 404 }));
  const params = parseForm(url.search.slice(1));
  const reply = await found.route.handle({
    fake,
    path: found.path,
    params,
    query: url.searchParams,
    body,
    origin: { requestId: null, idempotencyKey: null },
  });
  return { status: reply.status, text: reply.body === undefined ? "" : json(reply.body), headers: reply.headers ?? {} };
}

export async function startStripeFake(options: StripeFakeOptions): Promise<StripeFake> {
  const host = options.host ?? "127.0.0.1";
  if (!LOOPBACK.has(host)) throw new Error(`The Stripe fake only listens on a loopback address, not ${host}.`);
  if (options.webhookUrl !== undefined && !/^https?:$/.test(new URL(options.webhookUrl).protocol)) {
    throw new Error(`The webhook URL must be http(s): ${options.webhookUrl}`);
  }
  const webhooks = new WebhookSender(options.webhookUrl, options.webhookSecret);
  const events = new EventLog((event) => void webhooks.send(event).firstAttempt);
  const store = new Store();
  const fake: Fake = {
    store,
    events,
    webhooks,
    faults: new Faults(),
    baseUrl: "",
    reset() {
      store.reset();
      events.reset();
      webhooks.reset();
      api.reset();
      fake.faults.reset();
    },
  };
  const api = new Api(fake);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newId("req");
    let answer: Answer;
    let fault: FaultRule | undefined;
    try {
      const url = new URL(req.url ?? "/", fake.baseUrl);
      const body = await readBody(req);
      const isApi = !url.pathname.startsWith("/_fake/");
      fault = isApi ? fake.faults.take(url.pathname) : undefined;
      if (fault?.mode === "fail")
        answer = errorAnswer(
          new StripeApiError(500, { type: "api_error", message: "An injected fault of the local Stripe server." }),
        );
      else if (fault?.mode === "refuse")
        answer = errorAnswer(
          invalidRequest("An injected refusal of the local Stripe server.", { code: "injected_refusal" }),
        );
      else answer = isApi ? await api.handle(req, url, body, requestId) : await control(fake, req, url, body);
    } catch (error) {
      answer = errorAnswer(error, { "request-id": requestId });
    }
    // A network failure after Stripe did the work: the client sees no answer and retries with the same key.
    if (fault?.mode === "drop" || fault?.mode === "hang") {
      if (fault.mode === "hang") await new Promise((resolve) => setTimeout(resolve, fault?.hangMs));
      req.socket.destroy();
      return;
    }
    const type = answer.text === "" ? {} : { "content-type": "application/json" };
    res.writeHead(answer.status, { ...type, ...answer.headers });
    res.end(answer.text);
  }

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 12111, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  fake.baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: fake.baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        webhooks.close();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
