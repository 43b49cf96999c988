import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, eventually, type Session, signUp } from "./helpers.ts";
import { paidOrder, twoVendorMarket, type Vendor } from "./shop.ts";

interface Mail {
  subject: string;
  text: string;
  html: string;
}
interface Inbox {
  items: { id: string; kind: string; title: string; readAt: string | null }[];
  nextCursor: string | null;
  unreadCount: number;
}

const mailTo = async (email: string) =>
  (await (await fetch(`${env.MAILBOX_URL}/api/messages?to=${encodeURIComponent(email)}`)).json<{ items: Mail[] }>())
    .items;
const inboxOf = (s: Session, query = "") =>
  api("GET", `/api/v1/me/notifications${query}`, { token: s.accessToken }).then((r) => r.json<Inbox>());

/** What auth publishes when an account asks to prove its address. */
async function verificationRequested(s: Session, token: string) {
  await env.NOTIFICATIONS_INBOX.send(
    {
      id: `evt_test_${crypto.randomUUID()}`,
      type: "user.email_verification_requested",
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "auth",
      traceId: "test-auth",
      data: {
        userId: s.userId,
        email: s.email,
        name: "Mia",
        token,
        expiresAt: new Date(Date.now() + 3600e3).toISOString(),
      },
    },
    { contentType: "json" },
  );
}

let market: { vendorA: Vendor; vendorB: Vendor; categoryId: string };
beforeAll(async () => {
  market = await twoVendorMarket("Mailers");
});

describe("notifications through the gateway", () => {
  it("mails a new account its welcome and its verification link", async () => {
    const shopper = await signUp("Mia");
    const welcome = await eventually(
      () => mailTo(shopper.email),
      (mails) => mails.some((m) => m.subject === "Welcome, Mia"),
    );
    expect(welcome.filter((m) => m.subject === "Welcome, Mia")).toHaveLength(1);
    await verificationRequested(shopper, "tok_system_1");
    const mails = await eventually(
      () => mailTo(shopper.email),
      (list) => list.some((m) => m.text.includes("/verify-email?token=tok_system_1")),
    );
    const verify = mails.find((m) => m.text.includes("tok_system_1"));
    expect(verify?.subject).toBe("Confirm your email address");
    expect(verify?.html).toContain("http://localhost:5173/verify-email?token=tok_system_1");
    // The link is a secret: it travels by email only, never into the inbox.
    const inbox = await inboxOf(shopper);
    expect(inbox.items.map((i) => i.kind)).toEqual(["welcome"]);
  });

  it("mails the receipt of a paid order with its lines and total, and tells each store", async () => {
    const shopper = await signUp("Receipt");
    const { order } = await paidOrder(shopper, market.categoryId, [
      { vendor: market.vendorA, price: 1250, qty: 2 },
      { vendor: market.vendorB, price: 990, qty: 1 },
    ]);
    const mails = await eventually(
      () => mailTo(shopper.email),
      (list) => list.some((m) => m.subject === `Receipt for order ${order.id}`),
    );
    const receipt = mails.find((m) => m.subject === `Receipt for order ${order.id}`);
    expect(receipt?.text).toContain("2 × ");
    expect(receipt?.text).toContain("€12.50");
    expect(receipt?.text).toContain("€25.00");
    expect(receipt?.text).toContain("€9.90");
    expect(receipt?.text).toContain(
      `Total ${new Intl.NumberFormat("en-GB", { style: "currency", currency: "EUR" }).format(order.total / 100)}`,
    );
    expect(receipt?.html).toContain("Mailers A");
    for (const sub of order.subOrders) {
      const vendor = sub.vendorId === market.vendorA.vendorId ? market.vendorA : market.vendorB;
      await eventually(
        () => mailTo(vendor.email),
        (list) => list.some((m) => m.subject.startsWith(`New paid order ${sub.id}`)),
      );
    }
    const inbox = await eventually(
      () => inboxOf(shopper),
      (page) => page.items.some((i) => i.kind === "order_receipt"),
    );
    expect(inbox.items.filter((i) => i.kind === "order_receipt")).toHaveLength(1);
  });

  it("lists the inbox, marks read, and keeps it from another shopper", async () => {
    const [owner, other] = await Promise.all([signUp("Owner"), signUp("Other")]);
    const page = await eventually(
      () => inboxOf(owner),
      (p) => p.items.length > 0,
    );
    expect(page.unreadCount).toBe(1);
    const id = page.items[0]!.id;
    expect((await inboxOf(other)).items.map((i) => i.id)).not.toContain(id);
    const stolen = await api("POST", `/api/v1/me/notifications/${id}/read`, { token: other.accessToken });
    expect(stolen.status).toBe(404);
    expect((await inboxOf(owner)).unreadCount).toBe(1);
    const read = await api("POST", `/api/v1/me/notifications/${id}/read`, { token: owner.accessToken });
    expect(read.status).toBe(200);
    expect((await read.json<{ readAt: string | null }>()).readAt).not.toBeNull();
    expect(await inboxOf(owner, "?unread=true")).toMatchObject({ items: [], unreadCount: 0 });
    const anonymous = await api("GET", "/api/v1/me/notifications");
    expect(anonymous.status).toBe(401);
  });

  it("turns an optional kind off and refuses a transactional one", async () => {
    const shopper = await signUp("Prefs");
    const off = await api("PUT", "/api/v1/me/notification-preferences", {
      token: shopper.accessToken,
      body: { kinds: { order_shipped: false } },
    });
    expect(off.status).toBe(200);
    expect((await off.json<{ kinds: Record<string, boolean> }>()).kinds.order_shipped).toBe(false);
    const refused = await api("PUT", "/api/v1/me/notification-preferences", {
      token: shopper.accessToken,
      body: { kinds: { refund_issued: false } },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("refund_issued");
  });
});
