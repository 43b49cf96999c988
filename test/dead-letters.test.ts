import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadLetter } from "#lib/contracts/api/dead-letters.ts";
import { newId } from "#lib/contracts/ids.ts";
import { adminSession, api, eventually, type Session, signUp } from "./helpers.ts";

// users-inbox: max_retries = 5, so a message is delivered six times before users-inbox-dlq.
const DELIVERIES = 6;
const LIST = "/api/v1/admin/dead-letters/users-inbox";

let admin: Session;
/** Stands in for a fault of the users database: it refuses profiles under this run's email domain until dropped. */
const domain = `refused-${crypto.randomUUID().slice(0, 8)}.test`;
const trigger = `refuse_${domain.replace(/\W/g, "_")}`;

function registered(email: string) {
  return {
    id: newId("event"),
    type: "user.registered",
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "auth",
    traceId: `test-dead-letters-${crypto.randomUUID()}`,
    data: { userId: newId("user"), email, name: "Ada" },
  };
}

async function publish(event: ReturnType<typeof registered>) {
  await env.USERS_INBOX.send(event, { contentType: "json" });
}

async function page(query = "?limit=100") {
  const res = await api("GET", `${LIST}${query}`, { token: admin.accessToken });
  expect(res.status).toBe(200);
  return res.json<{ items: DeadLetter[]; nextCursor: string | null }>();
}

async function deadLetterOf(id: string) {
  return (await eventually(page, (p) => p.items.some((d) => d.id === id))).items.find((d) => d.id === id);
}

async function profiles(userId: string) {
  const { results } = await env.USERS_DB.prepare("SELECT name FROM profiles WHERE id = ?")
    .bind(userId)
    .all<{ name: string }>();
  return results;
}

function replay(id: string, token = admin.accessToken) {
  return api("POST", `${LIST}/${id}/replay`, { token });
}

const first = registered(`first@${domain}`);
const second = registered(`second@${domain}`);

beforeAll(async () => {
  admin = await adminSession();
  await env.USERS_DB.prepare(
    `CREATE TRIGGER ${trigger} BEFORE INSERT ON profiles WHEN NEW.email LIKE '%@${domain}' BEGIN SELECT RAISE(ABORT, 'profiles unavailable'); END`,
  ).run();
  await publish(first);
  await publish(second);
});

afterAll(async () => {
  await env.USERS_DB.prepare(`DROP TRIGGER IF EXISTS ${trigger}`).run();
});

describe("dead letters", () => {
  it("lists an event that failed every delivery, with its last error, once in the dead-letter queue", async () => {
    const dead = await deadLetterOf(first.id);
    expect(dead).toMatchObject({
      type: "user.registered",
      queue: "users-inbox",
      envelope: first,
      attempts: DELIVERIES,
      replayCount: 0,
      replayedAt: null,
      processedAt: null,
    });
    expect(dead?.lastError).toContain("profiles unavailable");
    expect(Date.parse(dead?.deadAt ?? "")).toBeGreaterThanOrEqual(Date.parse(dead?.firstFailedAt ?? ""));
    expect(await profiles(first.data.userId)).toEqual([]);
  });

  it("pages through dead letters newest first without repeating or skipping", async () => {
    await deadLetterOf(second.id);
    const seen: DeadLetter[] = [];
    let cursor: string | null = null;
    do {
      const next: { items: DeadLetter[]; nextCursor: string | null } = await page(
        cursor ? `?limit=1&cursor=${cursor}` : "?limit=1",
      );
      expect(next.items.length).toBeLessThanOrEqual(1);
      seen.push(...next.items);
      cursor = next.nextCursor;
    } while (cursor);
    const ids = seen.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining([first.id, second.id]));
    const deaths = seen.map((d) => Date.parse(d.deadAt));
    expect(deaths).toEqual([...deaths].sort((a, b) => b - a));
  });

  it("completes a replayed dead letter once its cause is fixed, and a second replay changes nothing", async () => {
    await deadLetterOf(second.id);
    await env.USERS_DB.prepare(`DROP TRIGGER ${trigger}`).run();

    const res = await replay(second.id);
    expect(res.status).toBe(202);
    const sent = await res.json<DeadLetter>();
    expect(sent).toMatchObject({ id: second.id, replayCount: 1 });
    expect(sent.replayedAt).not.toBeNull();

    const applied = await eventually(
      () => deadLetterOf(second.id),
      (d) => d?.processedAt !== null,
    );
    expect(await profiles(second.data.userId)).toEqual([{ name: "Ada" }]);

    const again = await replay(second.id);
    expect(again.status).toBe(202);
    expect(await again.json<DeadLetter>()).toMatchObject({ replayCount: 2, processedAt: applied?.processedAt });
    // The inbox is first in, first out: once a later event is applied, the second replay has been handled.
    const later = registered(`later-${crypto.randomUUID().slice(0, 8)}@example.com`);
    await publish(later);
    await eventually(
      () => profiles(later.data.userId),
      (rows) => rows.length === 1,
    );
    expect(await profiles(second.data.userId)).toEqual([{ name: "Ada" }]);
    expect(await deadLetterOf(second.id)).toMatchObject({
      processedAt: applied?.processedAt,
      attempts: DELIVERIES,
      replayCount: 2,
    });
  });

  it("answers 404 problem for a replay of an unknown dead letter", async () => {
    const res = await replay(newId("event"));
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("keeps dead letters from a signed-in shopper (403) and from anonymous callers (401)", async () => {
    const shopper = await signUp();
    expect((await api("GET", LIST, { token: shopper.accessToken })).status).toBe(403);
    expect((await replay(first.id, shopper.accessToken)).status).toBe(403);
    expect((await api("GET", LIST)).status).toBe(401);
  });
});
