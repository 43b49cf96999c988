// POST / {queue: "orders-inbox", body}: sends one message to that queue, as the marketplace's producers do. GET /: up.
interface Producer {
  send(body: unknown, options?: { contentType: "json" }): Promise<void>;
}

const BINDINGS: Record<string, string> = {
  "users-inbox": "USERS_INBOX",
  "catalog-inbox": "CATALOG_INBOX",
  "orders-inbox": "ORDERS_INBOX",
  "payments-inbox": "PAYMENTS_INBOX",
};

export default {
  async fetch(request: Request, env: Record<string, Producer | undefined>): Promise<Response> {
    if (request.method === "GET") return new Response("ok");
    const { queue, body } = (await request.json()) as { queue: string; body: unknown };
    const producer = env[BINDINGS[queue] ?? ""];
    if (!producer) return new Response(`no queue ${queue}`, { status: 404 });
    await producer.send(body, { contentType: "json" });
    return new Response("sent");
  },
};
