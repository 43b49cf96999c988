import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Inventory } from "#do/inventory.ts";

let n = 0;
function freshSku() {
  const sku = `sku_test_${++n}_${Date.now()}`;
  return { sku, stub: env.INVENTORY.get(env.INVENTORY.idFromName(sku)) };
}

describe("Inventory Durable Object", () => {
  it("sells exactly the stock under 1,000 concurrent reservations, never going negative", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 100);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => stub.reserve(sku, `hold-${i}`, 1, 600)));
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(100);
    expect(results.filter((r) => !r.ok && r.reason === "insufficient_stock")).toHaveLength(900);
    expect(await stub.level(sku)).toEqual({ sku, onHand: 100, held: 100, available: 0 });
  });

  it("reserves once for the same holdId, however often it is sent", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 5);
    const [a, b] = await Promise.all([stub.reserve(sku, "same", 2, 600), stub.reserve(sku, "same", 2, 600)]);
    expect(a.ok && b.ok).toBe(true);
    expect((await stub.level(sku)).available).toBe(3);
  });

  it("refuses a reservation larger than what is available, all or nothing", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 3);
    const result = await stub.reserve(sku, "big", 4, 600);
    expect(result).toMatchObject({ ok: false, reason: "insufficient_stock" });
    expect((await stub.level(sku)).available).toBe(3);
  });

  it("returns an expired hold's stock when the alarm fires", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 10);
    await stub.reserve(sku, "short", 4, 600);
    // Move the hold's expiry into the past, as if ten minutes had gone by.
    await runInDurableObject(stub, (_instance: Inventory, state) => {
      state.storage.sql.exec("UPDATE holds SET expires_at = ? WHERE hold_id = 'short'", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.level(sku)).toMatchObject({ held: 0, available: 10 });
    expect(await stub.commit(sku, "short")).toMatchObject({ ok: false, state: "expired" });
  });

  it("commits a hold into a sale; commit after release is refused", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 10);
    await stub.reserve(sku, "sold", 3, 600);
    expect(await stub.commit(sku, "sold")).toMatchObject({ ok: true, state: "committed" });
    expect(await stub.commit(sku, "sold")).toMatchObject({ ok: true, state: "committed" });
    expect(await stub.level(sku)).toEqual({ sku, onHand: 7, held: 0, available: 7 });
    expect(await stub.release(sku, "sold")).toMatchObject({ ok: false, reason: "already_committed" });

    await stub.reserve(sku, "changed-mind", 2, 600);
    expect(await stub.release(sku, "changed-mind")).toMatchObject({ ok: true, state: "released" });
    expect(await stub.release(sku, "changed-mind")).toMatchObject({ ok: true, state: "released" });
    expect(await stub.commit(sku, "changed-mind")).toMatchObject({ ok: false, state: "released" });
    expect((await stub.level(sku)).available).toBe(7);
  });

  it("a release that arrives before its reservation wins: the late reservation takes nothing", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 10);
    await stub.release(sku, "late");
    expect(await stub.reserve(sku, "late", 1, 600)).toMatchObject({ ok: false, reason: "hold_finished" });
    expect((await stub.level(sku)).available).toBe(10);
  });

  it("never lets stock on hand drop below what checkouts hold", async () => {
    const { sku, stub } = freshSku();
    await stub.setStock(sku, 10);
    await stub.reserve(sku, "held", 6, 600);
    expect(await stub.setStock(sku, 5)).toMatchObject({ ok: false, reason: "below_held" });
    expect(await stub.adjust(sku, -5)).toMatchObject({ ok: false, reason: "below_held" });
    expect(await stub.setStock(sku, 6)).toMatchObject({ ok: true, level: { available: 0 } });
    expect(await stub.setStock(sku, -1)).toMatchObject({ ok: false });
  });
});
