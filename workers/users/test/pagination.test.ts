import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { base64url } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { keyset } from "#lib/http/pagination.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { deadLetters } from "#lib/queue/schema.ts";

// Dead letters sort by (deadAt, id): a table of the users Worker with ties on the first key.
const QUEUE = "pagination-test";
const DEATHS: [string, number][] = [
  ["e1", 300],
  ["e2", 200],
  ["e3", 200],
  ["e4", 200],
  ["e5", 100],
];
const db = drizzle(env.DB);

beforeAll(async () => {
  await db.insert(deadLetters).values(
    DEATHS.map(([id, deadAt]) => ({
      id,
      type: "test.happened",
      envelope: {},
      queue: QUEUE,
      firstFailedAt: deadAt,
      deadAt,
    })),
  );
});

async function page(dir: "asc" | "desc", limit: number, cursor?: string) {
  const list = keyset([deadLetters.deadAt, deadLetters.id], dir, limit, cursor);
  const rows = await db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.queue, QUEUE), list.after))
    .orderBy(...list.orderBy)
    .limit(list.fetch);
  const { items, nextCursor } = list.pageOf(rows, (row) => [row.deadAt ?? 0, row.id]);
  return { ids: items.map((row) => row.id), nextCursor };
}

async function walk(dir: "asc" | "desc", limit: number) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const next = await page(dir, limit, cursor);
    pages.push(next.ids);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

function refusal(cursor: string): unknown {
  try {
    keyset([deadLetters.deadAt, deadLetters.id], "desc", 2, cursor);
  } catch (error) {
    return error;
  }
}

describe("keyset pagination", () => {
  it("pages through first, middle and last pages, the last with nextCursor null", async () => {
    const first = await page("desc", 2);
    expect(first.ids).toEqual(["e1", "e4"]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const middle = await page("desc", 2, first.nextCursor ?? undefined);
    expect(middle.ids).toEqual(["e3", "e2"]);
    const last = await page("desc", 2, middle.nextCursor ?? undefined);
    expect(last).toEqual({ ids: ["e5"], nextCursor: null });
  });

  it("breaks ties on the sort key by the next key, never repeating or skipping a row", async () => {
    expect(await walk("desc", 1)).toEqual([["e1"], ["e4"], ["e3"], ["e2"], ["e5"]]);
    expect(await walk("asc", 2)).toEqual([["e5", "e2"], ["e3", "e4"], ["e1"]]);
  });

  it("answers a full last page with nextCursor null", async () => {
    expect(await page("asc", 5)).toEqual({ ids: ["e5", "e2", "e3", "e4", "e1"], nextCursor: null });
  });

  it.each([
    ["not base64url", "%%%"],
    ["a bare id (not JSON)", base64url.encode("e3")],
    ["too few keys", base64url.encode(JSON.stringify([200]))],
    ["a key of the wrong type", base64url.encode(JSON.stringify(["200", "e3"]))],
    ["not UTF-8", base64url.encode(new Uint8Array([0xff, 0xfe]))],
  ])("refuses a cursor that is %s with a 400 problem", (_, cursor) => {
    const error = refusal(cursor);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ status: 400, extra: { errors: [{ path: "cursor" }] } });
  });
});
