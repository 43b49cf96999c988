import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { type OutboxEnv, publishPending } from "#lib/outbox/outbox.ts";

/** How long after a write the fallback looks for events the write did not publish. */
export const FALLBACK_DELAY_MS = 10_000;
const RETRY_DELAY_MS = 30_000;

export type RelayEnv = OutboxEnv & { DB: D1Database };

/**
 * The outbox's safety net. A writer arms it before committing; if the Worker
 * dies between commit and publish, the alarm publishes what is still unsent.
 * Alarms fire under `wrangler dev` and in tests, unlike cron triggers.
 * One instance per producing Worker (`idFromName("outbox")`).
 */
export class OutboxRelay extends DurableObject<RelayEnv> {
  async arm(): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null) await this.ctx.storage.setAlarm(Date.now() + FALLBACK_DELAY_MS);
  }

  override async alarm(): Promise<void> {
    const left = await publishPending(this.env, drizzle(this.env.DB), { olderThanMs: FALLBACK_DELAY_MS / 2 });
    if (left > 0) await this.ctx.storage.setAlarm(Date.now() + RETRY_DELAY_MS);
  }
}
