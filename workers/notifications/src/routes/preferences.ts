import { drizzle } from "drizzle-orm/d1";
import { getNotificationPreferences, putNotificationPreferences } from "#lib/contracts/api/notifications.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { getPreferences, setPreferences } from "../services/preferences.ts";

export const preferenceRoutes = createRoutes<Env>()
  .openapi(getNotificationPreferences, async (c) =>
    c.json(await getPreferences(drizzle(c.env.DB), requireActor(c).sub), 200),
  )
  .openapi(putNotificationPreferences, async (c) =>
    c.json(await setPreferences(drizzle(c.env.DB), requireActor(c).sub, c.req.valid("json").kinds), 200),
  );
