/** What the Inventory Durable Object (one per SKU) answers; callers reach it through CatalogRpc. */
export interface StockLevel {
  sku: string;
  onHand: number;
  held: number;
  available: number;
}

export type HoldState = "held" | "committed" | "released" | "expired" | "returned";

export type ReserveResult =
  | { ok: true; holdId: string; qty: number; expiresAt: number; level: StockLevel }
  | { ok: false; reason: "insufficient_stock"; level: StockLevel }
  | { ok: false; reason: "hold_finished"; state: HoldState; level: StockLevel };

export type HoldResult =
  | { ok: true; state: HoldState; level: StockLevel }
  | { ok: false; reason: string; state?: HoldState; level: StockLevel };
