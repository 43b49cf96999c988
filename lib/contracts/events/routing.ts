import { EmailVerificationRequested, PasswordResetRequested, UserRegistered } from "./auth.ts";
import { OrderUpdated } from "./orders.ts";
import {
  PaymentFailed,
  PaymentSucceeded,
  RefundRefused,
  RefundRequested,
  RefundSucceeded,
  TransferCreated,
} from "./payments.ts";
import { ReviewUpdated } from "./reviews.ts";
import { ShipmentUpdated } from "./shipping.ts";
import { VendorApplied, VendorApproved, VendorProfileUpdated, VendorRejected, VendorSuspended } from "./vendors.ts";

/**
 * Which inbox queues receive each event type. Cloudflare Queues allow one
 * consumer per queue, so each consuming domain owns an inbox (and its DLQ);
 * a producer binds each inbox it publishes to under the name used here.
 */
export const EVENT_ROUTES = {
  [UserRegistered.type]: ["INBOX_USERS", "INBOX_NOTIFICATIONS"],
  [EmailVerificationRequested.type]: ["INBOX_NOTIFICATIONS"],
  [PasswordResetRequested.type]: ["INBOX_NOTIFICATIONS"],
  [VendorApplied.type]: ["INBOX_NOTIFICATIONS"],
  [VendorApproved.type]: ["INBOX_CATALOG", "INBOX_NOTIFICATIONS"],
  [VendorRejected.type]: ["INBOX_NOTIFICATIONS"],
  [VendorSuspended.type]: ["INBOX_CATALOG", "INBOX_NOTIFICATIONS"],
  [VendorProfileUpdated.type]: ["INBOX_CATALOG"],
  [OrderUpdated.type]: ["INBOX_ORDERS", "INBOX_PAYMENTS", "INBOX_SHIPPING", "INBOX_NOTIFICATIONS"],
  [PaymentSucceeded.type]: ["INBOX_ORDERS"],
  [PaymentFailed.type]: ["INBOX_ORDERS", "INBOX_NOTIFICATIONS"],
  // payments also consumes its own refund events: they carry a refund, then its reversal, to the end after a crash.
  [RefundRequested.type]: ["INBOX_PAYMENTS"],
  [RefundSucceeded.type]: ["INBOX_ORDERS", "INBOX_PAYMENTS", "INBOX_NOTIFICATIONS"],
  [RefundRefused.type]: ["INBOX_ORDERS"],
  [TransferCreated.type]: ["INBOX_NOTIFICATIONS"],
  [ShipmentUpdated.type]: ["INBOX_ORDERS", "INBOX_NOTIFICATIONS"],
  [ReviewUpdated.type]: ["INBOX_CATALOG", "INBOX_VENDORS", "INBOX_NOTIFICATIONS"],
} as const satisfies Record<string, readonly InboxBinding[]>;

export type InboxBinding =
  | "INBOX_USERS"
  | "INBOX_VENDORS"
  | "INBOX_CATALOG"
  | "INBOX_ORDERS"
  | "INBOX_PAYMENTS"
  | "INBOX_SHIPPING"
  | "INBOX_NOTIFICATIONS"
  | "INBOX_REVIEWS";

export function inboxesFor(type: string): readonly InboxBinding[] {
  return (EVENT_ROUTES as Record<string, readonly InboxBinding[]>)[type] ?? [];
}
