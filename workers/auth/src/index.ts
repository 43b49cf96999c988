import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Account, AuthRpc, Readiness } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { app } from "./app.ts";
import { adminAccounts, findAccount } from "./services/accounts.ts";
import { publishedKeys, rotateKey } from "./services/signing-keys.ts";

export { OutboxRelay } from "#do/outbox-relay.ts";

export default class AuthWorker extends WorkerEntrypoint<Env> implements AuthRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  /** The public keys the gateway verifies access tokens with. */
  jwks() {
    return publishedKeys(drizzle(this.env.DB), Number(this.env.ACCESS_TOKEN_TTL_SECONDS));
  }

  account(userId: string): Promise<Account | null> {
    return findAccount(drizzle(this.env.DB), userId);
  }

  admins(): Promise<Account[]> {
    return adminAccounts(drizzle(this.env.DB));
  }

  ready(): Promise<Readiness> {
    return readiness("auth", { db: () => pingD1(this.env.DB) });
  }

  async rotateSigningKey(): Promise<{ kid: string }> {
    return { kid: await rotateKey(drizzle(this.env.DB), this.env.KEY_ENCRYPTION_SECRET) };
  }

  override async scheduled(): Promise<void> {
    await this.rotateSigningKey();
  }
}
