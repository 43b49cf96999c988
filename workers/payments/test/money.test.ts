import { describe, expect, it } from "vitest";
import { vendorPartOf } from "../src/services/refund-requests.ts";
import { commissionOf } from "../src/services/shares.ts";

// Amounts are minor units whatever the currency: 1 is a cent in EUR and a yen in JPY (zero-decimal),
// so the helpers take no currency and JPY needs no case of its own beyond its small amounts.
const ODD = [1, 3, 7, 99, 1001];
const RATES = [0, 1, 999, 1000, 1500, 3333, 5000, 10_000];

const shareOf = (gross: number, bps: number) => ({ gross, commission: commissionOf(gross, bps) });

/** The vendor's parts of refunds of these amounts, one after the other. */
function partsOf(share: { gross: number; commission: number }, refunds: number[]): number[] {
  let before = 0;
  return refunds.map((amount) => {
    const part = vendorPartOf(share, before, amount);
    before += amount;
    return part;
  });
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

describe("commissionOf: rounded down, so the platform never takes more than its rate", () => {
  it("keeps the fraction of a unit with the vendor at odd amounts", () => {
    expect(ODD.map((gross) => commissionOf(gross, 1000))).toEqual([0, 0, 0, 9, 100]);
    expect(ODD.map((gross) => commissionOf(gross, 1500))).toEqual([0, 0, 1, 14, 150]);
    expect(ODD.map((gross) => commissionOf(gross, 5000))).toEqual([0, 1, 3, 49, 500]);
  });

  it("never passes the rate, misses it by less than a unit, and leaves the vendor the rest exactly", () => {
    for (const gross of [...ODD, 0, 2, 5997, 4550, 123_457]) {
      for (const bps of RATES) {
        const commission = commissionOf(gross, bps);
        expect(Number.isInteger(commission)).toBe(true);
        expect(commission * 10_000).toBeLessThanOrEqual(gross * bps);
        expect((commission + 1) * 10_000).toBeGreaterThan(gross * bps);
        const vendorPart = gross - commission;
        expect(vendorPart + commission).toBe(gross);
        expect(vendorPart).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("takes nothing at 0 % and everything at 100 %", () => {
    for (const gross of ODD) {
      expect(commissionOf(gross, 0)).toBe(0);
      expect(commissionOf(gross, 10_000)).toBe(gross);
    }
  });

  it("takes nothing of a 1 yen sale and 10 % of a round JPY one", () => {
    expect(commissionOf(1, 1000)).toBe(0);
    expect(commissionOf(1, 10_000)).toBe(1);
    expect(commissionOf(12_000, 1000)).toBe(1200);
    expect(commissionOf(12_345, 1000)).toBe(1234);
  });
});

describe("vendorPartOf: the vendor's net share of all refunded so far, rounded down, minus what came before", () => {
  it("gives the vendor's whole net back for a refund of everything", () => {
    for (const gross of ODD) {
      for (const bps of RATES) {
        const share = shareOf(gross, bps);
        expect(vendorPartOf(share, 0, gross)).toBe(gross - share.commission);
      }
    }
  });

  it("rounds each cumulative part down: the platform keeps no more than its rate of what is still sold", () => {
    // 2 at 50 %: commission 1, net 1. Refunding 1 of 2 would be half a unit from the vendor: it gives 0,
    // and the platform, which returned 1, keeps 0 of the 1 still sold (its rate allows 0.5).
    expect(vendorPartOf(shareOf(2, 5000), 0, 1)).toBe(0);
    expect(vendorPartOf(shareOf(2, 5000), 1, 1)).toBe(1);
    for (const gross of [...ODD, 5997]) {
      for (const bps of RATES) {
        const share = shareOf(gross, bps);
        for (let refunded = 0; refunded <= gross; refunded += Math.max(1, Math.floor(gross / 13))) {
          const vendorBack = vendorPartOf(share, 0, refunded);
          const platformKeeps = share.commission - (refunded - vendorBack);
          expect(platformKeeps * 10_000).toBeLessThanOrEqual((gross - refunded) * bps);
          expect(platformKeeps).toBeGreaterThanOrEqual(0);
        }
      }
    }
  });

  it("splits every refund into a vendor part and a commission part that add up to it", () => {
    const share = shareOf(1001, 1500);
    const refunds = [1, 3, 7, 99, 1, 890];
    partsOf(share, refunds).forEach((part, i) => {
      const amount = refunds[i] ?? 0;
      expect(part).toBeGreaterThanOrEqual(0);
      expect(part).toBeLessThanOrEqual(amount);
      expect(part + (amount - part)).toBe(amount);
    });
  });

  it("telescopes: partial refunds summing to the total reverse exactly the vendor's net", () => {
    const sequences = [[1, 1, 1], [1, 2], [3, 4], [33, 33, 33], Array(7).fill(143), [1, 1000], [500, 1, 500]];
    for (const refunds of sequences) {
      const gross = sum(refunds);
      for (const bps of RATES) {
        const share = shareOf(gross, bps);
        expect(sum(partsOf(share, refunds))).toBe(gross - share.commission);
      }
    }
  });

  it("never gives back more than the net on the way, whatever the order of the parts", () => {
    const share = shareOf(99, 3333);
    let before = 0;
    let given = 0;
    for (const amount of [7, 1, 1, 3, 50, 37]) {
      given += vendorPartOf(share, before, amount);
      before += amount;
      expect(given).toBeLessThanOrEqual(Math.floor((before * (99 - share.commission)) / 99));
    }
    expect(given).toBe(99 - share.commission);
  });

  it("takes everything from the vendor at 0 % and nothing at 100 %", () => {
    expect(partsOf(shareOf(7, 0), [1, 3, 3])).toEqual([1, 3, 3]);
    expect(partsOf(shareOf(7, 10_000), [1, 3, 3])).toEqual([0, 0, 0]);
  });

  it("handles a 1 yen sale and yen refunded one at a time", () => {
    expect(vendorPartOf(shareOf(1, 1000), 0, 1)).toBe(1);
    const share = shareOf(3, 1000);
    expect(share.commission).toBe(0);
    expect(partsOf(share, [1, 1, 1])).toEqual([1, 1, 1]);
  });

  it("gives back nothing of a share that sold nothing", () => {
    expect(vendorPartOf({ gross: 0, commission: 0 }, 0, 0)).toBe(0);
  });
});
