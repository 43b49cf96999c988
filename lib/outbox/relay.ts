import { drizzle } from "drizzle-orm/d1";
import type { OutboxRelay, RelayEnv } from "#do/outbox-relay.ts";
import { publishPending } from "./outbox.ts";

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
