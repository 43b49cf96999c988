import { DurableObject } from "cloudflare:workers";

/** How long after a batch the fallback looks for sends the batch did not finish. */
export const FALLBACK_DELAY_MS = 10_000;
const MIN_DELAY_MS = 1_000;

/**
 * The safety net of a Worker that sends after committing (the notifications
 * Worker's emails): armed before each batch, its alarm sends what a crash left
 * pending and wakes again when the next retry is due. Alarms fire under
 * `wrangler dev` and in tests, unlike cron triggers. `flush` sends what is due
 * and answers when the next pending item is (null: nothing left).
 * One instance per Worker (`idFromName("deliveries")`).
 */
export function deliveryRelay<E>(flush: (env: E) => Promise<number | null>) {
  return class DeliveryRelay extends DurableObject<E> {
    /** Wakes within FALLBACK_DELAY_MS, keeping an earlier alarm. */
    async arm(): Promise<void> {
      const current = await this.ctx.storage.getAlarm();
      const at = Date.now() + FALLBACK_DELAY_MS;
      if (current === null || current > at) await this.ctx.storage.setAlarm(at);
    }

    override async alarm(): Promise<void> {
      const next = await flush(this.env);
      if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, Date.now() + MIN_DELAY_MS));
    }
  };
}

export type DeliveryRelay = InstanceType<ReturnType<typeof deliveryRelay>>;

export function armDeliveryRelay(ns: DurableObjectNamespace<DeliveryRelay>): Promise<void> {
  return ns.get(ns.idFromName("deliveries")).arm();
}
