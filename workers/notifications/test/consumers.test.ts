import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { armDeliveryRelay } from "#do/delivery-relay.ts";
import { deliveries, snapshots } from "../src/db/schema.ts";
import { notify } from "../src/services/notify.ts";
import { templates } from "../src/services/templates.ts";
import {
  call,
  db,
  deliver,
  deliveriesOf,
  emailOf,
  event,
  failNextSends,
  inboxOf,
  mailTo,
  order,
  orderUpdated,
  ownerOf,
  subOrder,
  uid,
} from "./helpers.ts";

const review = (vendorId: string, userId: string, reply: string | null) => ({
  id: uid("rev"),
  productId: uid("prd"),
  vendorId,
  userId,
  rating: 4,
  title: "Lovely glaze",
  visible: true,
  reply: reply === null ? null : { body: reply, at: new Date().toISOString() },
  createdAt: new Date().toISOString(),
});

const shipment = (o: ReturnType<typeof order>, userId: string, status: string) => {
  const sub = o.subOrders[0];
  if (!sub) throw new Error("no sub-order");
  return {
    id: uid("shp"),
    orderId: o.id,
    subOrderId: sub.id,
    vendorId: sub.vendorId,
    userId,
    status,
    carrier: "DHL",
    trackingNumber: "JD014600003",
    events: [],
  };
};

/** Each case: the events telling one set of facts (in order), and who gets which subjects. */
interface Case {
  name: string;
  events: () => Promise<{ events: unknown[]; expect: Record<string, { subject: RegExp; inbox: number }[]> }>;
}

const CASES: Case[] = [
  {
    name: "user.registered: a welcome",
    events: async () => {
      const u = uid("usr");
      return {
        events: [event("user.registered", { userId: u, email: emailOf(u), name: "Ada" })],
        expect: { [u]: [{ subject: /Welcome, Ada/, inbox: 1 }] },
      };
    },
  },
  {
    name: "user.email_verification_requested: the link, by email only",
    events: async () => {
      const u = uid("usr");
      const data = {
        userId: u,
        email: emailOf(u),
        name: "Ada",
        token: "tok-verify",
        expiresAt: "2030-01-01T00:00:00Z",
      };
      return {
        events: [event("user.email_verification_requested", data)],
        expect: { [u]: [{ subject: /Confirm your email/, inbox: 0 }] },
      };
    },
  },
  {
    name: "user.password_reset_requested: the link, by email only",
    events: async () => {
      const u = uid("usr");
      const data = { userId: u, email: emailOf(u), name: "Ada", token: "tok-reset", expiresAt: "2030-01-01T00:00:00Z" };
      return {
        events: [event("user.password_reset_requested", data)],
        expect: { [u]: [{ subject: /Reset your password/, inbox: 0 }] },
      };
    },
  },
  {
    name: "vendor.applied: every admin",
    events: async () => {
      const v = uid("ven");
      return {
        events: [event("vendor.applied", { vendorId: v, slug: "clay", name: "Clay Works", ownerUserId: uid("usr") })],
        expect: {
          usr_admin1: [{ subject: /application: Clay Works/, inbox: 1 }],
          usr_admin2: [{ subject: /application: Clay Works/, inbox: 1 }],
        },
      };
    },
  },
  ...(["approved", "rejected", "suspended"] as const).map((decision) => ({
    name: `vendor.${decision}: the owner, with the reason`,
    events: async () => {
      const v = uid("ven");
      const data =
        decision === "approved"
          ? { vendorId: v, slug: v, name: "x", commissionBps: 1000 }
          : { vendorId: v, reason: "Photos missing" };
      return {
        events: [event(`vendor.${decision}`, data)],
        expect: {
          [ownerOf(v)]: [
            { subject: new RegExp(decision === "approved" ? "is approved" : `was ${decision}`), inbox: 1 },
          ],
        },
      };
    },
  })),
  {
    name: "order.updated (paid): the receipt and each store's new sub-order",
    events: async () => {
      const u = uid("usr");
      const [a, b] = [uid("ven"), uid("ven")];
      const o = order([subOrder(a), subOrder(b)]);
      return {
        events: [orderUpdated(u, o, 2)],
        expect: {
          [u]: [{ subject: /Receipt for order/, inbox: 1 }],
          [ownerOf(a)]: [{ subject: /New paid order/, inbox: 1 }],
          [ownerOf(b)]: [{ subject: /New paid order/, inbox: 1 }],
        },
      };
    },
  },
  {
    name: "payment.failed: the shopper of the stored order",
    events: async () => {
      const u = uid("usr");
      const o = order([subOrder(uid("ven"))], "awaiting_payment");
      await deliver([orderUpdated(u, o, 1)]);
      return {
        events: [event("payment.failed", { orderId: o.id, paymentId: "pi_1", reason: "card_declined" })],
        expect: { [u]: [{ subject: /Payment for order .* failed/, inbox: 1 }] },
      };
    },
  },
  {
    name: "refund.succeeded: the shopper and the sub-order's store",
    events: async () => {
      const u = uid("usr");
      const v = uid("ven");
      const o = order([subOrder(v)]);
      await deliver([orderUpdated(u, o, 2)]);
      const data = {
        orderId: o.id,
        subOrderId: o.subOrders[0]?.id,
        refundId: uid("re"),
        amount: 1250,
        currency: "EUR",
      };
      return {
        events: [event("refund.succeeded", data)],
        expect: {
          [u]: [
            { subject: /Receipt/, inbox: 1 },
            { subject: /Refund of €12\.50/, inbox: 1 },
          ],
          [ownerOf(v)]: [
            { subject: /New paid order/, inbox: 1 },
            { subject: /Refund of €12\.50/, inbox: 1 },
          ],
        },
      };
    },
  },
  {
    name: "transfer.created: the store owner",
    events: async () => {
      const v = uid("ven");
      const data = {
        vendorId: v,
        orderId: uid("ord"),
        subOrderId: uid("sub"),
        transferId: uid("tr"),
        amount: 2691,
        currency: "EUR",
      };
      return {
        events: [event("transfer.created", data)],
        expect: { [ownerOf(v)]: [{ subject: /€26\.91 transferred/, inbox: 1 }] },
      };
    },
  },
  {
    name: "shipment.updated: shipped with carrier and tracking number, then delivered",
    events: async () => {
      const u = uid("usr");
      const o = order([subOrder(uid("ven"))], "awaiting_payment");
      const shipped = shipment(o, u, "shipped");
      return {
        events: [
          event("shipment.updated", { version: 1, shipment: shipped }),
          event("shipment.updated", { version: 2, shipment: { ...shipped, status: "delivered" } }),
        ],
        expect: {
          [u]: [
            { subject: /has shipped/, inbox: 1 },
            { subject: /was delivered/, inbox: 1 },
          ],
        },
      };
    },
  },
  {
    name: "review.updated: the store of a new review, the reviewer of the reply",
    events: async () => {
      const u = uid("usr");
      const v = uid("ven");
      const r = review(v, u, null);
      return {
        events: [
          event("review.updated", { version: 1, review: r }),
          event("review.updated", { version: 2, review: { ...r, reply: { body: "Thank you!", at: r.createdAt } } }),
        ],
        expect: {
          [ownerOf(v)]: [{ subject: /New 4-star review/, inbox: 1 }],
          [u]: [{ subject: /replied to your review/, inbox: 1 }],
        },
      };
    },
  },
];

async function expectExactly(expected: Record<string, { subject: RegExp; inbox: number }[]>) {
  for (const [userId, wanted] of Object.entries(expected)) {
    const mails = await mailTo(emailOf(userId));
    const items = await inboxOf(userId);
    for (const { subject, inbox } of wanted) {
      expect(
        mails.filter((m) => subject.test(m.subject)),
        `${userId}: ${subject}`,
      ).toHaveLength(1);
      expect(
        items.filter((i) => subject.test(i.title)),
        `${userId} inbox: ${subject}`,
      ).toHaveLength(inbox);
    }
    expect(mails).toHaveLength(wanted.length);
    expect(items).toHaveLength(wanted.reduce((n, w) => n + w.inbox, 0));
  }
}

describe("each consumer makes one email and one inbox item per fact", () => {
  for (const c of CASES) {
    it(`${c.name}, delivered twice at once, again later and newest first`, async () => {
      const { events, expect: expected } = await c.events();
      await deliver([...events, ...events]);
      await deliver([...events].reverse(), 2);
      await expectExactly(expected);
      const rows = (await Promise.all(Object.keys(expected).map(deliveriesOf))).flat();
      expect(rows.every((r) => r.status === "sent" && r.attempts === 1 && r.text === null)).toBe(true);
    });
  }

  it("the same events as new deliveries (new ids) still make one of each: the key is the fact", async () => {
    const u = uid("usr");
    const o = order([subOrder(uid("ven"))]);
    await deliver([orderUpdated(u, o, 2)]);
    await deliver([orderUpdated(u, o, 2), orderUpdated(u, o, 2)]);
    expect(await mailTo(emailOf(u))).toHaveLength(1);
    expect(await inboxOf(u)).toHaveLength(1);
  });
});

describe("order snapshots", () => {
  it("keeps the newest version: an older order.updated after a newer one changes nothing", async () => {
    const u = uid("usr");
    const v = uid("ven");
    const sub = subOrder(v);
    const placed = order([sub], "awaiting_payment");
    const paid = { ...order([sub]), id: placed.id };
    const shippedSub = { ...sub, status: "shipped" as const, carrier: "UPS", trackingNumber: "1Z999" };
    const shipped = { ...paid, subOrders: [shippedSub] };
    await deliver([orderUpdated(u, shipped, 3)]);
    await deliver([orderUpdated(u, paid, 2), orderUpdated(u, placed, 1)]);
    const [kept] = await db
      .select()
      .from(snapshots)
      .where(and(eq(snapshots.entity, "order"), eq(snapshots.id, placed.id)));
    expect(kept?.version).toBe(3);
    const subjects = (await mailTo(emailOf(u))).map((m) => m.subject).sort();
    expect(subjects).toEqual([`Part of order ${placed.id} has shipped`, `Receipt for order ${placed.id}`]);
    expect((await mailTo(emailOf(ownerOf(v)))).map((m) => m.subject)).toEqual([
      expect.stringMatching(/New paid order/),
    ]);
    // The carrier's shipment.updated telling the same shipment is the same fact: no second email.
    const parcel = { ...shipment(shipped, u, "shipped"), subOrderId: sub.id, carrier: "UPS", trackingNumber: "1Z999" };
    await deliver([event("shipment.updated", { version: 1, shipment: parcel })]);
    expect(await mailTo(emailOf(u))).toHaveLength(2);
    expect(await inboxOf(u)).toHaveLength(2);
    const shippedMail = (await mailTo(emailOf(u))).find((m) => m.subject.includes("shipped"));
    expect(shippedMail?.text).toContain("UPS, tracking number 1Z999");
  });

  it("retries a payment.failed whose order is not known yet, and only it, when a redelivered batch was partly acked", async () => {
    const u = uid("usr");
    const o = order([subOrder(uid("ven"))], "awaiting_payment");
    const welcome = event("user.registered", { userId: u, email: emailOf(u), name: "Ada" });
    const failed = event("payment.failed", { orderId: o.id, paymentId: "pi_2", reason: "insufficient_funds" });
    const first = await deliver([welcome, failed]);
    expect(first.explicitAcks).toHaveLength(1);
    expect(first.retryMessages).toHaveLength(1);
    expect((await mailTo(emailOf(u))).map((m) => m.subject)).toEqual(["Welcome, Ada"]);
    await deliver([orderUpdated(u, o, 1)]);
    // Miniflare redelivers the whole batch, the acked message too.
    const second = await deliver([welcome, failed], 2);
    expect(second.explicitAcks).toHaveLength(2);
    const subjects = (await mailTo(emailOf(u))).map((m) => m.subject).sort();
    expect(subjects).toEqual([`Payment for order ${o.id} failed`, "Welcome, Ada"]);
    expect(await inboxOf(u)).toHaveLength(2);
  });
});

describe("preferences", () => {
  it("an optional kind turned off makes no email and no item; transactional kinds still go", async () => {
    const u = uid("usr");
    const v = uid("ven");
    const res = await call(u, "PUT", "/api/v1/me/notification-preferences", { kinds: { welcome: false } });
    expect(res.status).toBe(200);
    expect((await res.json<{ kinds: Record<string, boolean> }>()).kinds).toMatchObject({
      welcome: false,
      order_shipped: true,
    });
    await call(ownerOf(v), "PUT", "/api/v1/me/notification-preferences", { kinds: { vendor_new_order: false } });
    await deliver([
      event("user.registered", { userId: u, email: emailOf(u), name: "Ada" }),
      orderUpdated(u, order([subOrder(v)]), 2),
    ]);
    expect((await mailTo(emailOf(u))).map((m) => m.subject)).toEqual([expect.stringMatching(/^Receipt/)]);
    expect((await inboxOf(u)).map((i) => i.kind)).toEqual(["order_receipt"]);
    expect(await mailTo(emailOf(ownerOf(v)))).toEqual([]);
    expect(await inboxOf(ownerOf(v))).toEqual([]);
  });

  it("lists only the optional kinds, all on at first, and refuses a transactional kind by name", async () => {
    const u = uid("usr");
    const res = await call(u, "GET", "/api/v1/me/notification-preferences");
    const { kinds } = await res.json<{ kinds: Record<string, boolean> }>();
    expect(Object.values(kinds).every(Boolean)).toBe(true);
    expect(kinds).not.toHaveProperty("order_receipt");
    const refused = await call(u, "PUT", "/api/v1/me/notification-preferences", {
      kinds: { welcome: false, order_receipt: false },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.stringify(await refused.json())).toContain("order_receipt");
    const after = await (await call(u, "GET", "/api/v1/me/notification-preferences")).json<{
      kinds: Record<string, boolean>;
    }>();
    expect(after.kinds.welcome).toBe(true);
  });
});

describe("sending after the batch", () => {
  const relay = () => env.DELIVERY_RELAY.get(env.DELIVERY_RELAY.idFromName("deliveries"));

  it("sends a delivery a crash left pending from the relay's alarm, exactly once", async () => {
    const u = uid("usr");
    const t = templates("https://shop.example.test");
    // The consumer's batch committed, then the Worker died before sending.
    const [first, ...rest] = await notify(db, { userId: u, email: emailOf(u), name: "Ada" }, t.welcome(u, "Ada"));
    if (!first) throw new Error("no statements");
    await db.batch([first, ...rest]);
    expect(await mailTo(emailOf(u))).toEqual([]);
    const [pending] = await deliveriesOf(u);
    await armDeliveryRelay(env.DELIVERY_RELAY);
    expect(await runDurableObjectAlarm(relay())).toBe(true);
    expect(await mailTo(emailOf(u))).toHaveLength(1);
    // Died again after sending, before marking it sent: the resend carries the same key, the provider keeps one.
    await db
      .update(deliveries)
      .set({ status: "pending", text: pending?.text, html: pending?.html })
      .where(eq(deliveries.userId, u));
    await armDeliveryRelay(env.DELIVERY_RELAY);
    await runDurableObjectAlarm(relay());
    expect(await mailTo(emailOf(u))).toHaveLength(1);
    const [row] = await deliveriesOf(u);
    expect(row?.status).toBe("sent");
  });

  it("retries a failed send with backoff, its error on the delivery row, until it goes out once", async () => {
    const u = uid("usr");
    await failNextSends(2);
    await deliver([event("user.registered", { userId: u, email: emailOf(u), name: "Ada" })]);
    const [failed] = await deliveriesOf(u);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed?.lastError).toContain("500");
    expect(await mailTo(emailOf(u))).toEqual([]);
    await runDurableObjectAlarm(relay());
    expect((await deliveriesOf(u))[0]).toMatchObject({ status: "pending", attempts: 2 });
    await runDurableObjectAlarm(relay());
    expect((await deliveriesOf(u))[0]).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    expect(await mailTo(emailOf(u))).toHaveLength(1);
  });
});
