import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { NotificationKind } from "#lib/contracts/api/notifications.ts";
import type { Order, SubOrder } from "#lib/contracts/api/orders.ts";
import type { ReviewSnapshot } from "#lib/contracts/events/reviews.ts";
import { formatMoney } from "./money.ts";

/** One notification of one fact: its inbox item and its email. */
export interface Message {
  kind: NotificationKind;
  /** The fact, unique per recipient: `order_receipt:<orderId>`. */
  key: string;
  title: string;
  /** The inbox item's text (plain). */
  body: string;
  link: string | null;
  /** Tokens travel by email only: a message carrying one gets no inbox item. */
  inbox: boolean;
  email: { subject: string; text: string; html: string };
}

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const page = (title: string, content: Html) =>
  html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:auto;padding:1rem;color:#222">
<h1 style="font-size:1.3rem">${title}</h1>
${content}
<p style="color:#777;font-size:.8rem">Marketplace · you can choose which of these you get in your notification settings.</p>
</body></html>`.toString();

const button = (href: string, label: string) => html`<p><a href="${href}">${label}</a></p>`;

interface Parts {
  kind: NotificationKind;
  key: string;
  title: string;
  body: string;
  link: string | null;
  inbox?: boolean;
  /** Extra plain-text lines and HTML after the body. */
  text?: string;
  content?: Html;
}

function message(p: Parts): Message {
  const text = [p.body, p.text, p.link ? `\n${p.link}` : ""].filter(Boolean).join("\n");
  const content = html`<p>${p.body}</p>${p.content ?? ""}${p.link ? button(p.link, "Open") : ""}`;
  return {
    kind: p.kind,
    key: p.key,
    title: p.title,
    body: p.body,
    link: p.link,
    inbox: p.inbox ?? true,
    email: { subject: p.title, text, html: page(p.title, content) },
  };
}

const linesText = (sub: SubOrder, currency: string) =>
  sub.lines
    .map(
      (l) => `  ${l.qty} × ${l.title} @ ${formatMoney(l.unitPrice, currency)} = ${formatMoney(l.lineTotal, currency)}`,
    )
    .join("\n");

const linesTable = (sub: SubOrder, currency: string) =>
  html`<table style="width:100%;border-collapse:collapse">
${sub.lines.map(
  (l) =>
    html`<tr><td>${l.qty} × ${l.title}${
      Object.keys(l.attributes).length
        ? html` <small>(${Object.entries(l.attributes)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", ")})</small>`
        : ""
    }</td><td style="text-align:right">${formatMoney(l.unitPrice, currency)}</td><td style="text-align:right">${formatMoney(l.lineTotal, currency)}</td></tr>`,
)}
<tr><td colspan="2">Shipping</td><td style="text-align:right">${formatMoney(sub.shipping, currency)}</td></tr>
</table>`;

/** Every kind's message, with links into the storefront and dashboard at `publicUrl`. */
export function templates(publicUrl: string) {
  const url = (path: string, query?: Record<string, string>) => {
    const u = new URL(path, publicUrl);
    for (const [k, v] of Object.entries(query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  };
  const when = (iso: string) => new Date(iso).toUTCString();

  return {
    welcome: (userId: string, name: string) =>
      message({
        kind: "welcome",
        key: `welcome:${userId}`,
        title: `Welcome, ${name}`,
        body: "Your account is ready: browse the stores and buy from several at once, in one checkout.",
        link: url("/"),
      }),

    emailVerification: (tokenKey: string, name: string, token: string, expiresAt: string) =>
      message({
        kind: "email_verification",
        key: `email_verification:${tokenKey}`,
        title: "Confirm your email address",
        body: `Hello ${name}, confirm this address by opening the link below before ${when(expiresAt)}.`,
        link: url("/verify-email", { token }),
        inbox: false,
      }),

    passwordReset: (tokenKey: string, name: string, token: string, expiresAt: string) =>
      message({
        kind: "password_reset",
        key: `password_reset:${tokenKey}`,
        title: "Reset your password",
        body: `Hello ${name}, choose a new password with the link below before ${when(expiresAt)}. If you did not ask for this, ignore this message.`,
        link: url("/reset-password", { token }),
        inbox: false,
      }),

    orderReceipt: (order: Order, vendorNames: Map<string, string>) => {
      const total = formatMoney(order.total, order.currency);
      const from = (sub: SubOrder) => vendorNames.get(sub.vendorId) ?? sub.vendorId;
      return message({
        kind: "order_receipt",
        key: `order_receipt:${order.id}`,
        title: `Receipt for order ${order.id}`,
        body: `Thank you: we received your payment of ${total}.`,
        link: url(`/orders/${order.id}`),
        text: [
          ...order.subOrders.map(
            (sub) =>
              `\nFrom ${from(sub)}:\n${linesText(sub, order.currency)}\n  Shipping ${formatMoney(sub.shipping, order.currency)}`,
          ),
          `\nShipping ${formatMoney(order.shipping, order.currency)}`,
          `Total ${total}`,
        ].join("\n"),
        content: html`${order.subOrders.map(
          (sub) => html`<h2 style="font-size:1rem">From ${from(sub)}</h2>${linesTable(sub, order.currency)}`,
        )}
<p>Shipping ${formatMoney(order.shipping, order.currency)}<br><strong>Total ${total}</strong></p>`,
      });
    },

    paymentFailed: (orderId: string, reason: string) =>
      message({
        kind: "payment_failed",
        key: `payment_failed:${orderId}`,
        title: `Payment for order ${orderId} failed`,
        body: `Your payment did not go through (${reason}). Nothing was charged; you can check out again.`,
        link: url(`/orders/${orderId}`),
      }),

    orderShipped: (orderId: string, subOrderId: string, carrier: string, trackingNumber: string) =>
      message({
        kind: "order_shipped",
        key: `order_shipped:${subOrderId}`,
        title: `Part of order ${orderId} has shipped`,
        body: `It travels with ${carrier}, tracking number ${trackingNumber}.`,
        link: url(`/orders/${orderId}`),
      }),

    orderDelivered: (orderId: string, subOrderId: string) =>
      message({
        kind: "order_delivered",
        key: `order_delivered:${subOrderId}`,
        title: `Part of order ${orderId} was delivered`,
        body: "The carrier reports your parcel delivered. Enjoy it, and tell others what you think in a review.",
        link: url(`/orders/${orderId}`),
      }),

    refundIssued: (orderId: string, refundId: string, amount: number, currency: string) =>
      message({
        kind: "refund_issued",
        key: `refund_issued:${refundId}`,
        title: `Refund of ${formatMoney(amount, currency)} for order ${orderId}`,
        body: `We sent ${formatMoney(amount, currency)} back to your payment method; banks take a few days to show it.`,
        link: url(`/orders/${orderId}`),
      }),

    reviewReply: (review: ReviewSnapshot, reply: string) =>
      message({
        kind: "review_reply",
        key: `review_reply:${review.id}`,
        title: `The store replied to your review “${review.title}”`,
        body: reply,
        link: url(`/products/${review.productId}`),
      }),

    vendorDecision: (
      eventId: string,
      vendor: { id: string; name: string },
      decision: "approved" | "rejected" | "suspended",
      reason: string | undefined,
    ) => {
      const said = {
        approved: "is approved: its published products are on sale",
        rejected: "was not approved",
        suspended: "is suspended: its products are off sale",
      }[decision];
      return message({
        kind: "vendor_decision",
        key: `vendor_${decision}:${vendor.id}:${eventId}`,
        title: `Your store ${vendor.name} ${decision === "approved" ? "is approved" : `was ${decision}`}`,
        body: `${vendor.name} ${said}.${reason ? ` Reason: ${reason}` : ""}`,
        link: url("/"),
      });
    },

    vendorNewOrder: (order: Order, sub: SubOrder) =>
      message({
        kind: "vendor_new_order",
        key: `vendor_new_order:${sub.id}`,
        title: `New paid order ${sub.id}: ${formatMoney(sub.total, order.currency)}`,
        body: `${sub.lines.reduce((n, l) => n + l.qty, 0)} item(s) to ship to ${order.shippingAddress.city}, ${order.shippingAddress.country}.`,
        link: url("/orders"),
        text: linesText(sub, order.currency),
        content: linesTable(sub, order.currency),
      }),

    vendorRefund: (subOrderId: string, refundId: string, amount: number, currency: string) =>
      message({
        kind: "vendor_refund",
        key: `vendor_refund:${refundId}`,
        title: `Refund of ${formatMoney(amount, currency)} on order ${subOrderId}`,
        body: `${formatMoney(amount, currency)} of sub-order ${subOrderId} went back to the shopper; your payout shows your part.`,
        link: url("/payouts"),
      }),

    vendorTransfer: (transferId: string, subOrderId: string, amount: number, currency: string) =>
      message({
        kind: "vendor_transfer",
        key: `vendor_transfer:${transferId}`,
        title: `${formatMoney(amount, currency)} transferred to you`,
        body: `Your share of sub-order ${subOrderId} (${formatMoney(amount, currency)}) is on its way to your account.`,
        link: url("/payouts"),
      }),

    vendorNewReview: (review: ReviewSnapshot) =>
      message({
        kind: "vendor_new_review",
        key: `vendor_new_review:${review.id}`,
        title: `New ${review.rating}-star review: “${review.title}”`,
        body: `A verified buyer rated a product ${review.rating} of 5. You can reply from your reviews.`,
        link: url("/reviews"),
      }),

    adminVendorApplication: (vendor: { vendorId: string; name: string; slug: string }) =>
      message({
        kind: "admin_vendor_application",
        key: `admin_vendor_application:${vendor.vendorId}`,
        title: `New store application: ${vendor.name}`,
        body: `${vendor.name} (${vendor.slug}) applied to sell and waits for a decision.`,
        link: url("/admin/vendors"),
      }),
  };
}

export type Templates = ReturnType<typeof templates>;
