import { rpc, type ShippingParcel, type ShippingQuote, type ShippingRpc } from "#lib/contracts/rpc.ts";

/** A priced line as shipping needs it: its vendor, money and weight. */
export interface ShippableLine {
  vendorId: string;
  currency: string;
  lineTotal: number;
  unitWeightGrams: number;
  qty: number;
}

/** One parcel per vendor, in the order the vendors first appear: goods subtotal and total weight. */
export function parcelsOf(lines: ShippableLine[]): ShippingParcel[] {
  const parcels = new Map<string, ShippingParcel>();
  for (const line of lines) {
    const parcel = parcels.get(line.vendorId) ?? {
      vendorId: line.vendorId,
      currency: line.currency,
      subtotal: 0,
      weightGrams: 0,
    };
    parcel.subtotal += line.lineTotal;
    parcel.weightGrams += line.unitWeightGrams * line.qty;
    parcels.set(line.vendorId, parcel);
  }
  return [...parcels.values()];
}

export type ShippingOutcome =
  | { ok: true; byVendor: Record<string, number> }
  | { ok: false; refusals: { vendorId: string; reason: string }[] };

/**
 * What each vendor charges to ship its parcel to the country. A vendor that
 * cannot ship there, quotes in another currency than its goods, or is missing
 * from the answer is a refusal; the caller decides what a refusal means.
 */
export async function quoteShipping(
  shipping: Fetcher,
  country: string,
  parcels: ShippingParcel[],
): Promise<ShippingOutcome> {
  if (parcels.length === 0) return { ok: true, byVendor: {} };
  const quotes: ShippingQuote[] = await rpc<ShippingRpc>(shipping).quote({ country, parcels });
  const byVendor: Record<string, number> = {};
  const refusals: { vendorId: string; reason: string }[] = [];
  for (const parcel of parcels) {
    const quote = quotes.find((q) => q.vendorId === parcel.vendorId);
    if (!quote) refusals.push({ vendorId: parcel.vendorId, reason: "no_quote" });
    else if (!quote.ok) refusals.push({ vendorId: parcel.vendorId, reason: quote.reason });
    else if (quote.currency !== parcel.currency)
      refusals.push({ vendorId: parcel.vendorId, reason: "currency_mismatch" });
    else if (!Number.isInteger(quote.amount) || quote.amount < 0)
      refusals.push({ vendorId: parcel.vendorId, reason: "no_quote" });
    else byVendor[parcel.vendorId] = quote.amount;
  }
  return refusals.length ? { ok: false, refusals } : { ok: true, byVendor };
}

const REASONS: Record<string, string> = {
  no_zone: "does not ship to",
  currency_mismatch: "has no shipping rate in the order's currency for",
  no_quote: "gave no shipping rate for",
};

/** "ven_a does not ship to KP; ven_b has no shipping rate in the order's currency for KP". */
export function describeRefusals(refusals: { vendorId: string; reason: string }[], country: string): string {
  return refusals.map((r) => `${r.vendorId} ${REASONS[r.reason] ?? "cannot ship to"} ${country}`).join("; ");
}
