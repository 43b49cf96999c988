import { workerProject } from "../../vitest.worker.ts";

// A stand-in catalog: a few SKUs of three vendors (EUR, unit weights in grams). Every SKU reserves and commits,
// except `sku_gone` (never in stock) and `sku_lapsed` (its hold lapses before commit). It counts reserve calls.
const catalog = `import { WorkerEntrypoint } from "cloudflare:workers";
const SKUS = {
  sku_a: { vendorId: "ven_a", unitPrice: 1250, weightGrams: 400 },
  sku_b: { vendorId: "ven_b", unitPrice: 999, weightGrams: 1500 },
  sku_big: { vendorId: "ven_a", unitPrice: 6000, weightGrams: 2500 },
  sku_far: { vendorId: "ven_far", unitPrice: 500, weightGrams: 100 },
  sku_usd: { vendorId: "ven_usd", unitPrice: 500, weightGrams: 100 },
  sku_free: { vendorId: "ven_free", unitPrice: 800, weightGrams: 9000 },
  sku_tiny: { vendorId: "ven_a", unitPrice: 10, weightGrams: 10 },
  sku_tiny_free: { vendorId: "ven_free", unitPrice: 10, weightGrams: 10 },
};
let reserves = 0;
export default class extends WorkerEntrypoint {
  quote(lines) {
    return lines.map(({ sku, qty }) => {
      const known = SKUS[sku];
      if (!known) return { sku, qty, status: "unknown_sku" };
      return { sku, qty, status: "ok", productId: "prd_" + sku, title: sku, attributes: {}, currency: "EUR", available: 99, ...known };
    });
  }
  reserve(sku) { reserves++; return sku === "sku_gone" ? { ok: false, reason: "insufficient_stock" } : { ok: true }; }
  reserveCalls() { return reserves; }
  commit(sku) { return sku === "sku_lapsed" ? { ok: false, reason: "hold_finished", state: "expired" } : { ok: true, state: "committed" }; }
  release() { return { ok: true, state: "released" }; }
  restock() { return { ok: true, state: "returned" }; }
}`;

// The Order object does not call payments; checkout does (the system tests cover the real Worker). This one
// answers every intent for the amount it was asked.
const payments = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  createIntent(input) {
    return { id: "pi_" + input.orderId, status: "requires_payment_method", amount: input.amount, currency: input.currency, clientSecret: null, declineCode: null };
  }
}`;

// A stand-in shipping with a small rate table: zone eu (DE, FR, NL) 490 + 100 per started kg past the first,
// free from 100.00 of goods; zone na (US, CA) 1500 + 400 per started kg past the first; nowhere else.
// ven_far ships to DE only, ven_usd quotes in USD only, ven_free has no profile (free everywhere).
const shipping = `import { WorkerEntrypoint } from "cloudflare:workers";
const ZONES = { DE: "eu", FR: "eu", NL: "eu", US: "na", CA: "na" };
export default class extends WorkerEntrypoint {
  quote({ country, parcels }) {
    return parcels.map((p) => {
      const vendorId = p.vendorId;
      if (vendorId === "ven_free") return { vendorId, ok: true, amount: 0, currency: p.currency, zone: "everywhere", freeShipping: false };
      const zone = vendorId === "ven_far" && country !== "DE" ? undefined : ZONES[country];
      if (!zone) return { vendorId, ok: false, reason: "no_zone" };
      if (vendorId === "ven_usd" && p.currency !== "USD") return { vendorId, ok: false, reason: "currency_mismatch" };
      const extraKg = Math.max(0, Math.ceil(p.weightGrams / 1000) - 1);
      if (zone === "eu" && p.subtotal >= 10000) return { vendorId, ok: true, amount: 0, currency: p.currency, zone, freeShipping: true };
      const amount = zone === "eu" ? 490 + 100 * extraKg : 1500 + 400 * extraKg;
      return { vendorId, ok: true, amount, currency: p.currency, zone, freeShipping: false };
    });
  }
}`;

export default workerProject("orders", {
  workers: [
    { name: "catalog", modules: true, script: catalog },
    { name: "payments", modules: true, script: payments },
    { name: "shipping", modules: true, script: shipping },
  ],
});
