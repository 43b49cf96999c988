import { UserRegistered } from "./auth.ts";
import { OrderUpdated } from "./orders.ts";
import { PaymentFailed, PaymentSucceeded, RefundRefused, RefundRequested, RefundSucceeded } from "./payments.ts";
import { VendorApproved, VendorProfileUpdated, VendorSuspended } from "./vendors.ts";

/**
 * Which inbox queues receive each event type. Cloudflare Queues allow one
 * consumer per queue, so each consuming domain owns an inbox (and its DLQ);
 * a producer binds each inbox it publishes to under the name used here.
 */
export const EVENT_ROUTES = {
  [UserRegistered.type]: ["INBOX_USERS"],
  [VendorApproved.type]: ["INBOX_CATALOG"],
  [VendorSuspended.type]: ["INBOX_CATALOG"],
  [VendorProfileUpdated.type]: ["INBOX_CATALOG"],
  [OrderUpdated.type]: ["INBOX_ORDERS", "INBOX_PAYMENTS"],
  [PaymentSucceeded.type]: ["INBOX_ORDERS"],
  [PaymentFailed.type]: ["INBOX_ORDERS"],
  // payments also consumes its own refund events: they carry a refund, then its reversal, to the end after a crash.
  [RefundRequested.type]: ["INBOX_PAYMENTS"],
  [RefundSucceeded.type]: ["INBOX_ORDERS", "INBOX_PAYMENTS"],
  [RefundRefused.type]: ["INBOX_ORDERS"],
} as const satisfies Record<string, readonly InboxBinding[]>;

export type InboxBinding = "INBOX_USERS" | "INBOX_CATALOG" | "INBOX_ORDERS" | "INBOX_PAYMENTS";

export function inboxesFor(type: string): readonly InboxBinding[] {
  return (EVENT_ROUTES as Record<string, readonly InboxBinding[]>)[type] ?? [];
}
