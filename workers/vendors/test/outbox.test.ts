import { env } from "cloudflare:workers";
import { and, count, isNotNull, like } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { publishPending } from "#lib/outbox/outbox.ts";
import { outbox } from "#lib/outbox/schema.ts";

const db = drizzle(env.DB);

describe("outbox", () => {
  it("marks a page of published events larger than D1's variable limit as sent", async () => {
    const rows = Array.from({ length: 150 }, (_, i) => ({
      id: `evt_backlog_${String(i).padStart(3, "0")}`,
      type: "test.backlog",
      envelope: { type: "test.backlog" },
      createdAt: i + 1,
    }));
    for (let i = 0; i < rows.length; i += 10) await db.insert(outbox).values(rows.slice(i, i + 10));
    await publishPending(env, db);
    const [sent] = await db
      .select({ n: count() })
      .from(outbox)
      .where(and(like(outbox.id, "evt_backlog_%"), isNotNull(outbox.sentAt)));
    expect(sent?.n).toBe(100);
  });
});
