import { DurableObject } from "cloudflare:workers";

/** How long after arming the sweeper looks for deliveries nobody put on the queue. */
export const SWEEP_DELAY_MS = 60_000;

export type SweeperEnv = { WEBHOOKS: Queue };

/**
 * The webhook deliveries' safety net, a timer only: the notifications Worker arms
 * it before a batch that may add deliveries; its alarm puts a `sweep` message on
 * the vendor-webhooks queue, whose handler re-enqueues the pending deliveries a
 * crash left behind and re-arms it while any are pending. Alarms fire under
 * `wrangler dev` and in tests, unlike cron triggers. One instance (`idFromName("webhooks")`).
 */
export class WebhookSweeper extends DurableObject<SweeperEnv> {
  async arm(delayMs = SWEEP_DELAY_MS): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null) await this.ctx.storage.setAlarm(Date.now() + delayMs);
  }

  override async alarm(): Promise<void> {
    await this.env.WEBHOOKS.send({ sweep: true });
  }
}
