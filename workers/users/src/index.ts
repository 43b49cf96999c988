import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { consumeBatch } from "../../../lib/queue/consume.ts";
import { onUserRegistered } from "./consumers/user-registered.ts";
import { meRoutes } from "./routes/me.ts";

export default class UsersWorker extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Response | Promise<Response> {
    return meRoutes.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    await consumeBatch(batch, drizzle(this.env.DB), [onUserRegistered], "users");
  }
}
