import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ACTOR_HEADER, encodeActor } from "#lib/contracts/actor.ts";
import type { ShippingZone } from "#lib/contracts/api/shipping.ts";
import type { ShippingParcel } from "#lib/contracts/rpc.ts";

describe("shipping", () => {
  it("has its database migrated", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name)).toEqual(
      expect.arrayContaining(["processed_events", "dead_letters", "shipping_profiles", "shipments", "outbox"]),
    );
  });

  it("is ready when its database answers", async () => {
    const ready = await exports.default.ready();
    expect(ready.ok).toBe(true);
    expect(ready.checks.db?.ok).toBe(true);
  });

  it("answers an unknown route with a problem", async () => {
    const res = await exports.default.fetch("http://shipping/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});

const zone = (name: string, countries: string[], rates: Partial<ShippingZone> = {}): ShippingZone => ({
  name,
  countries,
  flatRate: 490,
  perKgRate: 150,
  freeShippingThreshold: 5000,
  ...rates,
});

async function profile(vendorId: string, currency: string, zones: ShippingZone[]) {
  const res = await exports.default.fetch("http://shipping/api/v1/vendor/shipping-profiles", {
    method: "POST",
    headers: { "content-type": "application/json", [ACTOR_HEADER]: encodeActor(vendor(vendorId)) },
    body: JSON.stringify({ name: `${currency} rates`, currency, zones }),
  });
  expect(res.status).toBe(201);
}

const vendor = (vid: string) => ({ sub: `usr_${vid}`, roles: ["vendor" as const], vid });

const parcel = (vendorId: string, weightGrams: number, subtotal = 1000, currency = "EUR"): ShippingParcel => ({
  vendorId,
  currency,
  subtotal,
  weightGrams,
});

describe("quote", () => {
  beforeAll(async () => {
    await profile("ven_rates", "EUR", [
      zone("Home", ["DE", "AT"], { flatRate: 490, perKgRate: 150, freeShippingThreshold: 5000 }),
      zone("Nordics", ["SE", "DK", "NO"], { flatRate: 990, perKgRate: 300, freeShippingThreshold: null }),
      zone("World", ["*"], { flatRate: 1990, perKgRate: 500, freeShippingThreshold: 20000 }),
    ]);
    await profile("ven_rates", "USD", [zone("US", ["US"], { flatRate: 700, perKgRate: 0 })]);
    await profile("ven_home_only", "EUR", [zone("Home", ["FR"])]);
  });

  it("charges the flat rate plus the per-kilogram rate for every started kilogram, by the country's zone", async () => {
    const quotes = await exports.default.quote({
      country: "DE",
      parcels: [parcel("ven_rates", 0), parcel("ven_rates", 1), parcel("ven_rates", 1000), parcel("ven_rates", 1001)],
    });
    expect(quotes.map((q) => (q.ok ? [q.zone, q.amount, q.freeShipping] : q.reason))).toEqual([
      ["Home", 490, false],
      ["Home", 640, false],
      ["Home", 640, false],
      ["Home", 790, false],
    ]);
    const nordic = await exports.default.quote({ country: "SE", parcels: [parcel("ven_rates", 2500, 999_999)] });
    // No threshold: never free, however large the subtotal.
    expect(nordic).toEqual([
      { vendorId: "ven_rates", ok: true, amount: 990 + 3 * 300, currency: "EUR", zone: "Nordics", freeShipping: false },
    ]);
  });

  it("ships free at or above the zone's threshold, not below it", async () => {
    const quotes = await exports.default.quote({
      country: "AT",
      parcels: [parcel("ven_rates", 3000, 4999), parcel("ven_rates", 3000, 5000), parcel("ven_rates", 3000, 7000)],
    });
    expect(quotes.map((q) => q.ok && [q.amount, q.freeShipping])).toEqual([
      [490 + 3 * 150, false],
      [0, true],
      [0, true],
    ]);
  });

  it("uses the * zone for a country no other zone lists", async () => {
    const [quote] = await exports.default.quote({ country: "JP", parcels: [parcel("ven_rates", 12_345, 19_999)] });
    expect(quote).toEqual({
      vendorId: "ven_rates",
      ok: true,
      amount: 1990 + 13 * 500,
      currency: "EUR",
      zone: "World",
      freeShipping: false,
    });
  });

  it("picks the profile of the parcel's currency, and says which parcels cannot be quoted", async () => {
    const quotes = await exports.default.quote({
      country: "US",
      parcels: [
        parcel("ven_rates", 500, 1000, "USD"),
        parcel("ven_rates", 500, 1000, "GBP"),
        parcel("ven_home_only", 500),
        parcel("ven_without_profile", 50_000, 1, "JPY"),
      ],
    });
    expect(quotes).toEqual([
      { vendorId: "ven_rates", ok: true, amount: 700, currency: "USD", zone: "US", freeShipping: false },
      { vendorId: "ven_rates", ok: false, reason: "currency_mismatch" },
      { vendorId: "ven_home_only", ok: false, reason: "no_zone" },
      // A store without any profile ships free everywhere.
      { vendorId: "ven_without_profile", ok: true, amount: 0, currency: "JPY", zone: "none", freeShipping: true },
    ]);
  });

  it("quotes many vendors' parcels at once, past D1's bound-variable limit", async () => {
    const parcels = Array.from({ length: 100 }, (_, i) => parcel(i % 2 ? "ven_rates" : `ven_none_${i}`, 1500));
    const quotes = await exports.default.quote({ country: "DE", parcels });
    expect(quotes.filter((q) => q.ok && q.amount === 790)).toHaveLength(50);
    expect(quotes.filter((q) => q.ok && q.zone === "none")).toHaveLength(50);
  });
});
