import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { ProfileSummary, Readiness, UsersRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { onUserRegistered } from "./consumers/user-registered.ts";
import { findProfile, profileSummary } from "./services/profiles.ts";

export default class UsersWorker extends WorkerEntrypoint<Env> implements UsersRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "users", this.env);
    await consumeBatch(batch, db, [onUserRegistered], "users", this.env);
  }

  profile(userId: string): Promise<ProfileSummary | null> {
    return profileSummary(drizzle(this.env.DB), this.env.AUTH, userId);
  }

  ready(): Promise<Readiness> {
    return readiness("users", { db: () => pingD1(this.env.DB) });
  }

  profileByEmail(email: string): Promise<ProfileSummary | null> {
    return findProfile(drizzle(this.env.DB), { email: email.toLowerCase() });
  }
}
