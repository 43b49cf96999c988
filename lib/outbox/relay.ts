import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { type OutboxEnv, publishPending } from "./outbox.ts";

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

/** Arms the relay; call before the D1 batch that stages events. */
export function armOutboxRelay(ns: DurableObjectNamespace<OutboxRelay>): Promise<void> {
  return ns.get(ns.idFromName("outbox")).arm();
}

/** Runs a write that stages events: arms the relay first, publishes right after the commit. */
export async function withOutbox<T>(
  env: RelayEnv & { OUTBOX_RELAY: DurableObjectNamespace<OutboxRelay> },
  ctx: { waitUntil(promise: Promise<unknown>): void },
  write: () => Promise<T>,
): Promise<T> {
  await armOutboxRelay(env.OUTBOX_RELAY);
  try {
    return await write();
  } finally {
    // Also after a write that threw: it may have committed events before failing.
    ctx.waitUntil(publishPending(env, drizzle(env.DB)));
  }
}
