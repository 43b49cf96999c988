import { drizzle } from "drizzle-orm/d1";
import { changePassword, login, logout, refresh, register } from "#lib/contracts/api/auth.ts";
import { createRoutes, requireActor } from "#lib/http/app.ts";
import { withOutbox } from "#lib/outbox/relay.ts";
import { linkConfig, tokenConfig } from "../config.ts";
import * as accounts from "../services/accounts.ts";
import { issueTokens, revokeRefreshToken, rotateRefreshToken } from "../services/tokens.ts";

export const authRoutes = createRoutes<Env>()
  .openapi(register, async (c) => {
    const db = drizzle(c.env.DB);
    const user = await withOutbox(c.env, c.executionCtx, () =>
      accounts.registerAccount(db, c.req.valid("json"), c.get("traceId"), linkConfig(c.env).verifyTtlSeconds),
    );
    return c.json({ user }, 201);
  })
  .openapi(login, async (c) => {
    const { email, password } = c.req.valid("json");
    const db = drizzle(c.env.DB);
    const account = await accounts.authenticate(db, email, password);
    return c.json(await issueTokens(db, tokenConfig(c.env), account), 200);
  })
  .openapi(refresh, async (c) => {
    const db = drizzle(c.env.DB);
    return c.json(await rotateRefreshToken(db, tokenConfig(c.env), c.req.valid("json").refreshToken), 200);
  })
  .openapi(logout, async (c) => {
    await revokeRefreshToken(drizzle(c.env.DB), c.req.valid("json").refreshToken);
    return c.body(null, 204);
  })
  .openapi(changePassword, async (c) => {
    const actor = requireActor(c);
    const { currentPassword, newPassword } = c.req.valid("json");
    await accounts.changePassword(drizzle(c.env.DB), actor.sub, currentPassword, newPassword);
    return c.body(null, 204);
  });
