import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { isTransactional, type NotificationKind } from "#lib/contracts/api/notifications.ts";
import type { WebhookEventKind } from "#lib/contracts/api/vendor-webhooks.ts";
import { newId } from "#lib/contracts/ids.ts";
import { deliveries, notifications, preferences } from "../db/schema.ts";
import { webhookDeliveries } from "../webhooks/seam.ts";
import { type Recipient, type RecipientEnv, userRecipient, vendorOf } from "./recipients.ts";
import type { Message } from "./templates.ts";

/**
 * The statements that tell one recipient one fact: an inbox item and a pending
 * email, each at most once per (recipient, key) whatever delivers the fact again.
 * An optional kind the recipient turned off makes neither.
 */
export async function notify(db: DrizzleD1Database, to: Recipient, message: Message): Promise<BatchItem<"sqlite">[]> {
  if (!isTransactional(message.kind) && !(await wants(db, to.userId, message))) return [];
  const now = new Date();
  const statements: BatchItem<"sqlite">[] = [
    db
      .insert(deliveries)
      .values({
        id: newId("delivery"),
        userId: to.userId,
        kind: message.kind,
        key: message.key,
        to: to.email,
        subject: message.email.subject,
        text: message.email.text,
        html: message.email.html,
        status: "pending",
        nextAttemptAt: now.getTime(),
        createdAt: now.getTime(),
      })
      .onConflictDoNothing(),
  ];
  if (message.inbox) {
    statements.push(
      db
        .insert(notifications)
        .values({
          id: newId("notification"),
          userId: to.userId,
          kind: message.kind,
          key: message.key,
          title: message.title,
          body: message.body,
          link: message.link,
          createdAt: now.toISOString(),
        })
        .onConflictDoNothing(),
    );
  }
  return statements;
}

async function wants(db: DrizzleD1Database, userId: string, message: Message): Promise<boolean> {
  const [pref] = await db
    .select({ enabled: preferences.enabled })
    .from(preferences)
    .where(and(eq(preferences.userId, userId), eq(preferences.kind, message.kind)));
  return pref?.enabled ?? true;
}

export type Vendor = Awaited<ReturnType<typeof vendorOf>>;

/** The webhook event a store's endpoints subscribe to for each vendor-facing kind. */
const WEBHOOK_KINDS: Partial<Record<NotificationKind, WebhookEventKind>> = {
  vendor_decision: "vendor.decision",
  vendor_new_order: "sub_order.paid",
  vendor_refund: "sub_order.refunded",
  vendor_transfer: "transfer.created",
  vendor_new_review: "review.created",
};

/**
 * Every vendor-facing notification goes through here: the store owner's inbox
 * and email (as the owner's preferences allow), and a signed delivery of `data`
 * to each of the store's webhook endpoints subscribed to it (whatever the owner's
 * email preferences). Both are keyed by the message's key: once per fact.
 */
export async function notifyVendor(
  env: RecipientEnv,
  db: DrizzleD1Database,
  vendorId: string,
  compose: (vendor: Vendor) => Message,
  data: Record<string, unknown>,
): Promise<BatchItem<"sqlite">[]> {
  const vendor = await vendorOf(env, vendorId);
  const owner = await userRecipient(env, vendor.ownerUserId);
  const message = compose(vendor);
  const kind = WEBHOOK_KINDS[message.kind];
  return [
    ...(await notify(db, owner, message)),
    ...(kind ? await webhookDeliveries(db, { vendorId, kind, data, key: message.key }) : []),
  ];
}
