import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import * as auth from "./auth.ts";
import * as orders from "./orders.ts";
import * as payments from "./payments.ts";
import * as reviews from "./reviews.ts";
import { EVENT_ROUTES, type InboxBinding } from "./routing.ts";
import * as shipping from "./shipping.ts";
import * as vendors from "./vendors.ts";

/** Which Worker publishes each event, written out: a new event fails this suite until it is added here. */
const PRODUCERS: Record<string, string> = {
  "user.registered": "auth",
  "user.email_verification_requested": "auth",
  "user.password_reset_requested": "auth",
  "vendor.applied": "vendors",
  "vendor.approved": "vendors",
  "vendor.rejected": "vendors",
  "vendor.suspended": "vendors",
  "vendor.profile_updated": "vendors",
  "order.updated": "orders",
  "payment.succeeded": "payments",
  "payment.failed": "payments",
  "refund.requested": "payments",
  "refund.succeeded": "payments",
  "refund.refused": "payments",
  "transfer.created": "payments",
  "shipment.updated": "shipping",
  "review.updated": "reviews",
};

const root = new URL("../../../", import.meta.url);
const workers = readdirSync(new URL("workers/", root)).filter((name) => name !== "gateway");
/** What this suite reads of a Worker's wrangler file. */
interface QueueConfig {
  queues: {
    producers?: { binding: string; queue: string }[];
    consumers?: { queue: string; dead_letter_queue?: string }[];
  };
}
const configs = new Map<string, QueueConfig>(
  workers.map((name) => [
    name,
    unstable_readConfig({ config: new URL(`workers/${name}/wrangler.toml`, root).pathname }) as QueueConfig,
  ]),
);
const queueOf = (binding: InboxBinding) => `${binding.slice("INBOX_".length).toLowerCase()}-inbox`;

/** Every event definition exported by the contracts, by the name its producer's code uses. */
const modules: Record<string, unknown> = { ...auth, ...orders, ...payments, ...reviews, ...shipping, ...vendors };
const definitions = Object.entries(modules).filter(
  (entry): entry is [string, { type: string; version: number }] =>
    typeof entry[1] === "object" && entry[1] !== null && "type" in entry[1] && "version" in entry[1],
);

describe("event routing", () => {
  it("names a producer for every defined event, and the producer's code builds it", () => {
    for (const [name, def] of definitions) {
      const producer = PRODUCERS[def.type];
      expect(producer, def.type).toBeDefined();
      // The orders Worker's events come from the Order object it hosts.
      const dirs = [`workers/${producer}/src/`, ...(producer === "orders" ? ["durable-objects/"] : [])];
      const code = dirs.flatMap((dir) =>
        readdirSync(new URL(dir, root), { recursive: true, encoding: "utf8" })
          .filter((file) => file.endsWith(".ts"))
          .map((file) => readFileSync(new URL(`${dir}${file}`, root), "utf8")),
      );
      expect(
        code.some((text) => new RegExp(`buildEvent\\(\\s*${name}\\b`).test(text)),
        `${producer} builds ${name}`,
      ).toBe(true);
    }
    expect(Object.keys(PRODUCERS).sort()).toEqual(definitions.map(([, def]) => def.type).sort());
  });

  it("has each producer bind every inbox its events are routed to", () => {
    for (const [type, inboxes] of Object.entries(EVENT_ROUTES)) {
      const producer = PRODUCERS[type] ?? "";
      const bound = configs.get(producer)?.queues.producers?.map((p) => `${p.binding} → ${p.queue}`) ?? [];
      for (const binding of inboxes)
        expect(bound, `${producer} publishes ${type}`).toContain(`${binding} → ${queueOf(binding)}`);
    }
  });

  it("gives every routed inbox one consuming Worker, with a dead-letter queue it also consumes", () => {
    const routed = new Set(Object.values(EVENT_ROUTES).flat());
    for (const binding of routed) {
      const queue = queueOf(binding);
      const consumers = [...configs].filter(([, c]) => c.queues.consumers?.some((q) => q.queue === queue));
      expect(
        consumers.map(([name]) => name),
        queue,
      ).toEqual([queue.slice(0, -"-inbox".length)]);
      const consumer = consumers[0]?.[1].queues.consumers ?? [];
      expect(consumer.find((q) => q.queue === queue)?.dead_letter_queue, queue).toBe(`${queue}-dlq`);
      expect(
        consumer.map((q) => q.queue),
        queue,
      ).toContain(`${queue}-dlq`);
    }
  });
});
