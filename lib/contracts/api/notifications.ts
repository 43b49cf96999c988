import { z } from "@hono/zod-openapi";
import { apiRoute, IdParam, jsonBody, jsonResponse, PageQuery } from "./route.ts";

/** Sent whatever the preferences say: the user needs them to use the account or to know about money. */
export const TRANSACTIONAL_KINDS = [
  "email_verification",
  "password_reset",
  "order_receipt",
  "payment_failed",
  "refund_issued",
] as const;

/** Each user may turn these off. */
export const OPTIONAL_KINDS = [
  "welcome",
  "order_shipped",
  "order_delivered",
  "review_reply",
  "vendor_decision",
  "vendor_new_order",
  "vendor_refund",
  "vendor_transfer",
  "vendor_new_review",
  "admin_vendor_application",
] as const;

export const NotificationKind = z.enum([...TRANSACTIONAL_KINDS, ...OPTIONAL_KINDS]);
export type NotificationKind = z.infer<typeof NotificationKind>;
export type OptionalKind = (typeof OPTIONAL_KINDS)[number];

export function isTransactional(kind: NotificationKind): boolean {
  return (TRANSACTIONAL_KINDS as readonly string[]).includes(kind);
}

export const Notification = z
  .object({
    id: z.string(),
    kind: NotificationKind,
    title: z.string(),
    body: z.string(),
    link: z.string().nullable().openapi({ description: "Where in the dashboard or storefront it leads" }),
    readAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("Notification");
export type Notification = z.infer<typeof Notification>;

export const NotificationPage = z
  .object({
    items: z.array(Notification),
    nextCursor: z.string().nullable(),
    unreadCount: z.number().int().openapi({ description: "The caller's unread notifications, all pages" }),
  })
  .openapi("NotificationPage");

const optionalKindsShape = Object.fromEntries(OPTIONAL_KINDS.map((kind) => [kind, z.boolean()])) as Record<
  OptionalKind,
  z.ZodBoolean
>;

export const NotificationPreferences = z
  .object({ kinds: z.object(optionalKindsShape) })
  .openapi("NotificationPreferences");
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

export const NotificationPreferencesInput = z
  .strictObject({
    kinds: z.strictObject(z.object(optionalKindsShape).partial().shape, {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Not a kind that can be turned off (${TRANSACTIONAL_KINDS.join(", ")} are always sent): ${issue.keys.join(", ")}`
          : undefined,
    }),
  })
  .openapi("NotificationPreferencesInput");

export const listNotifications = apiRoute({
  method: "get",
  path: "/api/v1/me/notifications",
  "x-access": "customer",
  summary: "The caller's notifications, newest first, with the unread count",
  operationId: "listNotifications",
  description:
    "Lists the caller's in-app notifications, newest first (`unread=true`: only unread ones), with how many are unread in all.",
  request: {
    query: PageQuery.extend({
      unread: z.enum(["true", "false"]).optional().openapi({ description: "`true`: only notifications not read yet" }),
    }),
  },
  responses: { 200: jsonResponse(NotificationPage, "A page of notifications") },
});

export const readNotification = apiRoute({
  method: "post",
  path: "/api/v1/me/notifications/{id}/read",
  "x-access": "customer",
  summary: "Mark one of the caller's notifications read",
  operationId: "markNotificationRead",
  description: "Marks one of the caller's notifications read (again: unchanged); another user's is a 404.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(Notification, "The notification, read"),
    404: { description: "No such notification of the caller's" },
  },
});

export const readAllNotifications = apiRoute({
  method: "post",
  path: "/api/v1/me/notifications/read-all",
  "x-access": "customer",
  summary: "Mark all of the caller's notifications read",
  operationId: "markAllNotificationsRead",
  description: "Marks every unread notification of the caller's read.",
  responses: { 200: jsonResponse(z.object({ marked: z.number().int() }), "How many were marked read") },
});

export const getNotificationPreferences = apiRoute({
  method: "get",
  path: "/api/v1/me/notification-preferences",
  "x-access": "customer",
  summary: "Which optional notifications the caller gets",
  operationId: "getNotificationPreferences",
  description:
    "Answers, for each kind that can be turned off, whether the caller gets it (by email and in the inbox). Transactional kinds (verification, password reset, receipts, failed payments, refunds) are always sent and not listed.",
  responses: { 200: jsonResponse(NotificationPreferences, "The caller's preferences") },
});

export const putNotificationPreferences = apiRoute({
  method: "put",
  path: "/api/v1/me/notification-preferences",
  "x-access": "customer",
  summary: "Turn optional notifications on or off",
  operationId: "updateNotificationPreferences",
  description:
    "Sets the kinds named in `kinds` on or off; kinds left out keep their setting. A transactional kind in the body is refused (400 naming it).",
  request: jsonBody(NotificationPreferencesInput),
  responses: { 200: jsonResponse(NotificationPreferences, "The caller's preferences") },
});

export const notificationsRoutes = [
  listNotifications,
  readAllNotifications,
  readNotification,
  getNotificationPreferences,
  putNotificationPreferences,
];
