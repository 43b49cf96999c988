// A local stand-in for an email provider: the Resend-compatible API the notifications Worker sends through
// (`POST /emails`, Bearer key, Idempotency-Key), keeping messages in memory, with a page to read them. 127.0.0.1 only.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { html } from "hono/html";

export interface MailboxOptions {
  /** 0 picks any free port. Default 12025. */
  port?: number;
  /** The Bearer key senders must present. */
  apiKey: string;
}

export interface StoredEmail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  receivedAt: string;
}

export interface Mailbox {
  url: string;
  port: number;
  messages(): StoredEmail[];
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk instanceof Buffer ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/json") {
  res.writeHead(status, { "content-type": type });
  res.end(type === "application/json" ? JSON.stringify(body) : String(body));
}

const isText = (v: unknown): v is string => typeof v === "string";

/** The body of `POST /emails`, or why not. */
function parseEmail(raw: string): Omit<StoredEmail, "id" | "receivedAt"> | string {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return "The body is not JSON.";
  }
  if (typeof body !== "object" || body === null) return "The body is not an object.";
  const { from, to, subject, html: page, text } = body as Record<string, unknown>;
  const recipients = isText(to) ? [to] : Array.isArray(to) && to.every(isText) ? to : null;
  if (!isText(from) || !recipients?.length || !isText(subject)) return "from, to and subject are required.";
  if (!isText(page) && !isText(text)) return "html or text is required.";
  return { from, to: recipients, subject, html: isText(page) ? page : "", text: isText(text) ? text : "" };
}

export async function startMailbox(options: MailboxOptions): Promise<Mailbox> {
  const stored: StoredEmail[] = [];
  /** Idempotency-Key → the message it made: a repeat answers it again and stores nothing. */
  const byKey = new Map<string, { id: string; hash: string }>();
  /** Sends to refuse with a 500 next (`POST /_control/fail?count=`), to watch senders retry. */
  let failNext = 0;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://mailbox");
    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /emails") {
      if (req.headers.authorization !== `Bearer ${options.apiKey}`)
        return send(res, 401, { statusCode: 401, name: "missing_api_key", message: "Invalid API key." });
      const raw = await readBody(req);
      const key = req.headers["idempotency-key"];
      const seen = typeof key === "string" ? byKey.get(key) : undefined;
      if (seen) {
        if (seen.hash !== raw)
          return send(res, 409, { statusCode: 409, name: "invalid_idempotent_request", message: "Key reused." });
        return send(res, 200, { id: seen.id });
      }
      const email = parseEmail(raw);
      if (typeof email === "string")
        return send(res, 422, { statusCode: 422, name: "validation_error", message: email });
      if (failNext > 0) {
        failNext--;
        return send(res, 500, { statusCode: 500, name: "internal_server_error", message: "An injected failure." });
      }
      const message = { ...email, id: randomUUID(), receivedAt: new Date().toISOString() };
      stored.push(message);
      if (typeof key === "string") byKey.set(key, { id: message.id, hash: raw });
      return send(res, 200, { id: message.id });
    }
    if (route === "GET /api/messages") {
      const to = url.searchParams.get("to");
      return send(res, 200, { items: stored.filter((m) => !to || m.to.includes(to)) });
    }
    if (route === "POST /_control/fail") {
      failNext = Number(url.searchParams.get("count") ?? "1") || 0;
      return send(res, 204, "");
    }
    const one = /^\/messages\/([\w-]+)$/.exec(url.pathname);
    if (req.method === "GET" && one) {
      const message = stored.find((m) => m.id === one[1]);
      if (!message) return send(res, 404, "No such message.", "text/plain");
      // The message's own HTML, sandboxed: it may hold links but runs no script.
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "sandbox" });
      return res.end(message.html || html`<pre>${message.text}</pre>`.toString());
    }
    if (route === "GET /") {
      const rows = [...stored]
        .reverse()
        .map(
          (m) =>
            html`<tr><td>${m.receivedAt}</td><td>${m.to.join(", ")}</td><td><a href="/messages/${m.id}">${m.subject}</a></td></tr>`,
        );
      const page = html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mailbox</title></head>
<body style="font-family:system-ui,sans-serif"><h1>Mailbox</h1><p>${stored.length} message(s), newest first.</p>
<table><thead><tr><th>time</th><th>to</th><th>subject</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
      return send(res, 200, page.toString(), "text/html; charset=utf-8");
    }
    return send(res, 404, { statusCode: 404, name: "not_found", message: `No route ${route}.` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 400, { statusCode: 400, message: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 12025, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    messages: () => [...stored],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
