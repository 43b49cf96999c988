import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { ProfileSummary, UsersRpc } from "#lib/contracts/rpc.ts";
import { setLogLevel } from "#lib/http/log.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onUserRegistered } from "./consumers/user-registered.ts";
import { findProfile } from "./services/profiles.ts";

export default class UsersWorker extends WorkerEntrypoint<Env> implements UsersRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    setLogLevel(this.env.LOG_LEVEL);
    const db = drizzle(this.env.DB);
    const options = { retryBaseSeconds: this.env.QUEUE_RETRY_BASE_SECONDS };
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "users", options);
    await consumeBatch(batch, db, [onUserRegistered], "users", options);
  }

  profile(userId: string): Promise<ProfileSummary | null> {
    return findProfile(drizzle(this.env.DB), { id: userId });
  }

  profileByEmail(email: string): Promise<ProfileSummary | null> {
    return findProfile(drizzle(this.env.DB), { email: email.toLowerCase() });
  }
}
