import { drizzle } from "drizzle-orm/d1";
import { listNotifications, readAllNotifications, readNotification } from "#lib/contracts/api/notifications.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { listInbox, markAllRead, markRead } from "../services/inbox.ts";

/** The caller's own inbox: every query is scoped by the actor. */
export const inboxRoutes = createRoutes<Env>()
  .openapi(listNotifications, async (c) => {
    const { limit, cursor, unread } = c.req.valid("query");
    return c.json(
      await listInbox(drizzle(c.env.DB), requireActor(c).sub, { limit, cursor, unread: unread === "true" }),
      200,
    );
  })
  .openapi(readAllNotifications, async (c) =>
    c.json({ marked: await markAllRead(drizzle(c.env.DB), requireActor(c).sub) }, 200),
  )
  .openapi(readNotification, async (c) =>
    c.json(await markRead(drizzle(c.env.DB), requireActor(c).sub, c.req.valid("param").id), 200),
  );
