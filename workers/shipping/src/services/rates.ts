import type { DrizzleD1Database } from "drizzle-orm/d1";
import { z } from "zod";
import { REST_OF_WORLD, type ShippingZone } from "#lib/contracts/api/shipping.ts";
import { COUNTRY_CODES } from "#lib/contracts/countries.ts";
import type { ShippingParcel, ShippingQuote } from "#lib/contracts/rpc.ts";
import { inList } from "#lib/db/in-list.ts";
import { shippingProfiles } from "../db/schema.ts";

const QuoteInput = z.object({
  country: z.string().refine((code) => COUNTRY_CODES.has(code), "an ISO 3166-1 alpha-2 code"),
  parcels: z
    .array(
      z.object({
        vendorId: z.string().min(1).max(64),
        currency: z.string().regex(/^[A-Z]{3}$/),
        subtotal: z.number().int().min(0),
        weightGrams: z.number().int().min(0),
      }),
    )
    .max(100),
});

/** The profile's zone for a country: the zone listing it, else the `*` zone. */
export function zoneFor(zones: readonly ShippingZone[], country: string): ShippingZone | undefined {
  return (
    zones.find((zone) => zone.countries.includes(country)) ??
    zones.find((zone) => zone.countries.includes(REST_OF_WORLD))
  );
}

/** flatRate + perKgRate × started kilograms, or nothing at or above the free-shipping threshold. */
export function rateOf(zone: ShippingZone, parcel: Pick<ShippingParcel, "subtotal" | "weightGrams">) {
  const free = zone.freeShippingThreshold !== null && parcel.subtotal >= zone.freeShippingThreshold;
  const amount = free ? 0 : zone.flatRate + zone.perKgRate * Math.ceil(parcel.weightGrams / 1000);
  return { amount, freeShipping: free };
}

/**
 * What each vendor charges to ship its parcel to the country, with one query for
 * every parcel's profiles. A vendor without any profile ships free everywhere.
 */
export async function quote(
  db: DrizzleD1Database,
  input: { country: string; parcels: ShippingParcel[] },
): Promise<ShippingQuote[]> {
  const { country, parcels } = QuoteInput.parse(input);
  const vendorIds = [...new Set(parcels.map((p) => p.vendorId))];
  const profiles = vendorIds.length
    ? await db.select().from(shippingProfiles).where(inList(shippingProfiles.vendorId, vendorIds))
    : [];
  return parcels.map((parcel): ShippingQuote => {
    const own = profiles.filter((p) => p.vendorId === parcel.vendorId);
    const base = { vendorId: parcel.vendorId };
    if (own.length === 0)
      return { ...base, ok: true, amount: 0, currency: parcel.currency, zone: "none", freeShipping: true };
    const profile = own.find((p) => p.currency === parcel.currency);
    if (!profile) return { ...base, ok: false, reason: "currency_mismatch" };
    const zone = zoneFor(profile.zones, country);
    if (!zone) return { ...base, ok: false, reason: "no_zone" };
    return { ...base, ok: true, currency: parcel.currency, zone: zone.name, ...rateOf(zone, parcel) };
  });
}
