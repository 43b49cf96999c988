import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { bindingEmailSender } from "../src/services/email.ts";
import { formatMoney } from "../src/services/money.ts";
import { templates } from "../src/services/templates.ts";
import { call, deliver, emailOf, event, mailTo, order, orderUpdated, subOrder, uid } from "./helpers.ts";

const t = templates("https://shop.example.test");

describe("notifications", () => {
  it("has its database migrated", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name)).toEqual(
      expect.arrayContaining(["processed_events", "dead_letters", "notifications", "deliveries", "preferences"]),
    );
  });

  it("is ready when its database answers", async () => {
    const ready = await exports.default.ready();
    expect(ready.ok).toBe(true);
    expect(ready.checks.db?.ok).toBe(true);
  });

  it("answers an unknown route with a problem", async () => {
    const res = await exports.default.fetch("http://notifications/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

describe("templates", () => {
  it("formats money for the currency with Intl, at odd amounts and without decimals for JPY", () => {
    expect(formatMoney(1, "EUR")).toBe("€0.01");
    expect(formatMoney(123_457, "EUR")).toBe("€1,234.57");
    expect(formatMoney(1200, "JPY")).toBe("JP¥1,200");
    expect(formatMoney(0, "GBP")).toBe("£0.00");
  });

  it("puts the order's lines, each store's shipping and the total in the receipt, text and HTML", () => {
    const o = order([
      subOrder("ven_a"),
      subOrder("ven_b", {
        lines: [
          {
            sku: "sku_b",
            productId: "prd_b",
            vendorId: "ven_b",
            title: "Linen napkin",
            attributes: {},
            qty: 3,
            unitPrice: 333,
            lineTotal: 999,
          },
        ],
        shipping: 0,
        total: 999,
      }),
    ]);
    const m = t.orderReceipt(o, new Map([["ven_a", "Nordic Ceramics"]]));
    for (const part of [m.email.text, m.email.html]) {
      expect(part).toContain("Nordic Ceramics");
      expect(part).toContain("ven_b");
      expect(part).toContain("Stoneware mug");
      expect(part).toContain("€12.50");
      expect(part).toContain("€25.00");
      expect(part).toContain("€4.90");
      expect(part).toContain("Linen napkin");
      expect(part).toContain("€3.33");
      expect(part).toContain("€9.99");
      expect(part).toContain("Total €39.89");
    }
    expect(m.email.text).toContain("2 × Stoneware mug @ €12.50 = €25.00");
    expect(m.email.text).toContain("3 × Linen napkin @ €3.33 = €9.99");
    expect(m.link).toBe(`https://shop.example.test/orders/${o.id}`);
  });

  it("escapes every value in the HTML", () => {
    const evil = `<img src=x onerror="alert(1)"> & co`;
    const sub = subOrder("ven_a");
    const line = { ...sub.lines[0]!, title: evil, attributes: { [evil]: evil } };
    const m = t.orderReceipt(order([{ ...sub, lines: [line] }]), new Map([["ven_a", evil]]));
    expect(m.email.html).not.toContain("<img");
    expect(m.email.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co");
    const welcome = t.welcome("usr_x", "<script>x</script>");
    expect(welcome.email.html).not.toContain("<script>x");
    expect(welcome.email.subject).toBe("Welcome, <script>x</script>");
  });

  it("links verification and reset to the public origin with the token", () => {
    const v = t.emailVerification("k", "Ada", "a b&c", "2030-01-01T00:00:00Z");
    expect(v.link).toBe("https://shop.example.test/verify-email?token=a+b%26c");
    expect(v.email.html).toContain('href="https://shop.example.test/verify-email?token=a+b%26c"');
    expect(v.inbox).toBe(false);
    expect(t.passwordReset("k", "Ada", "tok", "2030-01-01T00:00:00Z").link).toBe(
      "https://shop.example.test/reset-password?token=tok",
    );
  });

  it("builds a MIME message the send_email binding accepts", async () => {
    const sender = bindingEmailSender(env.EMAIL);
    await expect(
      sender.send({
        to: "ada@example.test",
        from: "Marketplace <no-reply@marketplace.local>",
        subject: "Hello",
        text: "Hello",
        html: "<p>Hello</p>",
        idempotencyKey: "dlv_test",
      }),
    ).resolves.toBeUndefined();
  });
});

describe("the inbox", () => {
  async function shopperWithNotifications() {
    const u = uid("usr");
    await deliver([event("user.registered", { userId: u, email: emailOf(u), name: "Ada" })]);
    await deliver([orderUpdated(u, order([subOrder(uid("ven"))]), 2)]);
    await deliver([orderUpdated(u, order([subOrder(uid("ven"))]), 2)]);
    return u;
  }

  type Page = {
    items: { id: string; kind: string; readAt: string | null }[];
    nextCursor: string | null;
    unreadCount: number;
  };

  it("lists the caller's own notifications newest first, pages them and counts the unread", async () => {
    const u = await shopperWithNotifications();
    await shopperWithNotifications();
    const res = await call(u, "GET", "/api/v1/me/notifications?limit=2");
    expect(res.status).toBe(200);
    const first = await res.json<Page>();
    expect(first.unreadCount).toBe(3);
    expect(first.items.map((i) => i.kind)).toEqual(["order_receipt", "order_receipt"]);
    expect(first.items[0]!.id > first.items[1]!.id).toBe(true);
    const rest = await (
      await call(u, "GET", `/api/v1/me/notifications?limit=2&cursor=${first.nextCursor}`)
    ).json<Page>();
    expect(rest.items.map((i) => i.kind)).toEqual(["welcome"]);
    expect(rest.nextCursor).toBeNull();
    expect((await mailTo(emailOf(u))).length).toBe(3);
  });

  it("marks one read (another user's is 404), filters unread, and marks all read", async () => {
    const u = await shopperWithNotifications();
    const other = uid("usr");
    const { items } = await (await call(u, "GET", "/api/v1/me/notifications")).json<Page>();
    const id = items[0]!.id;
    expect((await call(other, "POST", `/api/v1/me/notifications/${id}/read`)).status).toBe(404);
    const read = await call(u, "POST", `/api/v1/me/notifications/${id}/read`);
    expect(read.status).toBe(200);
    const readAt = (await read.json<{ readAt: string }>()).readAt;
    expect(readAt).toBeTruthy();
    const again = await (await call(u, "POST", `/api/v1/me/notifications/${id}/read`)).json<{ readAt: string }>();
    expect(again.readAt).toBe(readAt);
    const unread = await (await call(u, "GET", "/api/v1/me/notifications?unread=true")).json<Page>();
    expect(unread.items.map((i) => i.id)).not.toContain(id);
    expect(unread.unreadCount).toBe(2);
    const all = await call(u, "POST", "/api/v1/me/notifications/read-all");
    expect(await all.json()).toEqual({ marked: 2 });
    expect((await (await call(u, "GET", "/api/v1/me/notifications")).json<Page>()).unreadCount).toBe(0);
    expect((await (await call(other, "GET", "/api/v1/me/notifications")).json<Page>()).items).toEqual([]);
  });

  it("refuses a forged cursor and a bad filter with 400 problems", async () => {
    const u = uid("usr");
    expect((await call(u, "GET", "/api/v1/me/notifications?cursor=nope")).status).toBe(400);
    expect((await call(u, "GET", "/api/v1/me/notifications?unread=maybe")).status).toBe(400);
  });
});
