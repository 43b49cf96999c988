import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Mailbox, startMailbox } from "./server.ts";

let mailbox: Mailbox;
beforeAll(async () => {
  mailbox = await startMailbox({ port: 0, apiKey: "key_test" });
});
afterAll(() => mailbox.close());

const email = (to: string, subject = "Hello") => ({
  from: "Shop <no-reply@shop.test>",
  to: [to],
  subject,
  html: `<p>${subject}</p>`,
  text: subject,
});

function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${mailbox.url}/emails`, {
    method: "POST",
    headers: { authorization: "Bearer key_test", "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

const inboxOf = async (to: string) =>
  (
    (await (await fetch(`${mailbox.url}/api/messages?to=${encodeURIComponent(to)}`)).json()) as {
      items: { id: string; subject: string }[];
    }
  ).items;

describe("the local mailbox", () => {
  it("keeps a sent message and lists it by recipient", async () => {
    const res = await post(email("ada@example.test", "Receipt"));
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const items = await inboxOf("ada@example.test");
    expect(items).toEqual([expect.objectContaining({ id, subject: "Receipt" })]);
    expect(await inboxOf("nobody@example.test")).toEqual([]);
  });

  it("sends once per Idempotency-Key, answering a repeat with the first message's id", async () => {
    const body = email("grace@example.test");
    const first = (await (await post(body, { "idempotency-key": "k1" })).json()) as { id: string };
    const again = await post(body, { "idempotency-key": "k1" });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    expect(await inboxOf("grace@example.test")).toHaveLength(1);
    expect((await post(email("grace@example.test", "Other"), { "idempotency-key": "k1" })).status).toBe(409);
    expect(await inboxOf("grace@example.test")).toHaveLength(1);
  });

  it("refuses a wrong key and an incomplete message, keeping nothing", async () => {
    const wrong = await post(email("eve@example.test"), { authorization: "Bearer nope" });
    expect(wrong.status).toBe(401);
    expect((await post({ from: "a@b.test", to: ["eve@example.test"] })).status).toBe(422);
    expect(await inboxOf("eve@example.test")).toEqual([]);
  });

  it("fails the next sends on request, then accepts the retry with the same key", async () => {
    await fetch(`${mailbox.url}/_control/fail?count=1`, { method: "POST" });
    expect((await post(email("retry@example.test"), { "idempotency-key": "k2" })).status).toBe(500);
    expect(await inboxOf("retry@example.test")).toEqual([]);
    expect((await post(email("retry@example.test"), { "idempotency-key": "k2" })).status).toBe(200);
    expect(await inboxOf("retry@example.test")).toHaveLength(1);
  });

  it("lists messages on an HTML page, escaped, linking to each message's HTML", async () => {
    await post(email("page@example.test", "<script>alert(1)</script> Your order"));
    const page = await (await fetch(`${mailbox.url}/`)).text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Your order");
    expect(page).not.toContain("<script>alert");
    const [item] = await inboxOf("page@example.test");
    expect(page).toContain(`href="/messages/${item?.id}"`);
    const one = await fetch(`${mailbox.url}/messages/${item?.id}`);
    expect(one.headers.get("content-type")).toContain("text/html");
    expect(one.headers.get("content-security-policy")).toBe("sandbox");
    expect(await one.text()).toContain("Your order");
  });
});
