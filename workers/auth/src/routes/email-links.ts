import { drizzle } from "drizzle-orm/d1";
import {
  confirmPasswordReset,
  requestPasswordReset,
  resendEmailVerification,
  verifyEmail,
} from "#lib/contracts/api/auth.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { linkConfig } from "../config.ts";
import * as links from "../services/email-links.ts";

export const emailLinkRoutes = createRoutes<Env>()
  .openapi(verifyEmail, async (c) => {
    const user = await links.verifyEmail(drizzle(c.env.DB), c.req.valid("json").token);
    return c.json({ user }, 200);
  })
  .openapi(resendEmailVerification, async (c) => {
    const actor = requireActor(c);
    const db = drizzle(c.env.DB);
    await withOutbox(c.env, c.executionCtx, () =>
      links.resendVerification(db, actor.sub, linkConfig(c.env).verifyTtlSeconds, c.get("traceId")),
    );
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(requestPasswordReset, async (c) => {
    const db = drizzle(c.env.DB);
    // Armed and published for unknown emails too, so both answers take the same path.
    await withOutbox(c.env, c.executionCtx, () =>
      links.requestPasswordReset(db, c.req.valid("json").email, linkConfig(c.env).resetTtlSeconds, c.get("traceId")),
    );
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(confirmPasswordReset, async (c) => {
    const { token, newPassword } = c.req.valid("json");
    await links.confirmPasswordReset(drizzle(c.env.DB), token, newPassword);
    return c.body(null, 204);
  });
