import type { JWK } from "jose";
import type { PaymentInfo } from "./api/payments.ts";
import type { VendorStatus } from "./api/vendors.ts";
import type { HoldResult, ReserveResult } from "./inventory.ts";

/** One dependency checked: how long it took and, when it failed, only the kind of failure (no message leaves). */
export interface ReadyCheck {
  ok: boolean;
  ms: number;
  error?: "timeout" | "error";
}

export interface Readiness {
  ok: boolean;
  /** By dependency: `db`, `images`, … */
  checks: Record<string, ReadyCheck>;
}

/** What every domain Worker answers the gateway's GET /readyz: whether its own bindings respond. */
export interface ReadyRpc {
  ready(): Promise<Readiness>;
}

/** An account as auth holds it, for the Workers that keep a copy (users' profile). */
export interface Account {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/** RPC methods each Worker offers the others over service bindings. */
export interface AuthRpc extends ReadyRpc {
  jwks(): Promise<{ keys: JWK[] }>;
  rotateSigningKey(): Promise<{ kid: string }>;
  /** The account with this id, or null: lets users create a profile before user.registered arrives. */
  account(userId: string): Promise<Account | null>;
  /** Every administrator's account, for the notifications they get (new vendor applications). */
  admins(): Promise<Account[]>;
}

export interface ProfileSummary {
  id: string;
  email: string;
  name: string;
}

export interface UsersRpc extends ReadyRpc {
  profile(userId: string): Promise<ProfileSummary | null>;
  /** The account with this email, for vendors adding staff. */
  profileByEmail(email: string): Promise<ProfileSummary | null>;
}

export interface Membership {
  vendorId: string;
  role: "owner" | "staff";
  status: VendorStatus;
}

export interface VendorsRpc extends ReadyRpc {
  /** The vendor a user owns or staffs; auth puts it in the token while the vendor is approved. */
  membership(userId: string): Promise<Membership | null>;
  /** Commission rates of vendors, for checkout and payouts. */
  vendor(vendorId: string): Promise<{
    id: string;
    name: string;
    slug: string;
    status: VendorStatus;
    commissionBps: number;
    /** Who is told about the store's orders, reviews and payouts. */
    ownerUserId: string;
  } | null>;
}

export type QuoteLine =
  | { sku: string; qty: number; status: "unknown_sku" }
  | {
      sku: string;
      qty: number;
      status: "ok" | "not_on_sale" | "insufficient_stock";
      productId: string;
      vendorId: string;
      title: string;
      attributes: Record<string, string>;
      unitPrice: number;
      currency: string;
      /** One unit's weight (0 when the vendor did not give it), for shipping rates. */
      weightGrams: number;
      available: number;
    };

export interface CatalogRpc extends ReadyRpc {
  /** Prices and live availability, for carts and checkout. */
  quote(lines: { sku: string; qty: number }[]): Promise<QuoteLine[]>;
  /** Inventory holds of one SKU, idempotent by holdId (see durable-objects/inventory.ts). */
  reserve(sku: string, holdId: string, qty: number, ttlSeconds: number): Promise<ReserveResult>;
  commit(sku: string, holdId: string): Promise<HoldResult>;
  release(sku: string, holdId: string): Promise<HoldResult>;
  /** Units of a committed hold back to stock (order cancelled after payment). */
  restock(sku: string, holdId: string): Promise<HoldResult>;
  /** A product that was ever put on sale (active or archived) and its store, or null: what reviews may be written of. */
  product(productId: string): Promise<{ id: string; vendorId: string; title: string } | null>;
}

/** One vendor's part of a cart, to be shipped to one address. */
export interface ShippingParcel {
  vendorId: string;
  currency: string;
  /** The goods' total, minor units (free-shipping thresholds compare against it). */
  subtotal: number;
  weightGrams: number;
}

export type ShippingQuote =
  | { vendorId: string; ok: true; amount: number; currency: string; zone: string; freeShipping: boolean }
  | { vendorId: string; ok: false; reason: "no_zone" | "currency_mismatch" };

export interface ShippingRpc extends ReadyRpc {
  /** What each vendor charges to ship its parcel to the country; a store with no shipping profile ships free everywhere. */
  quote(input: { country: string; parcels: ShippingParcel[] }): Promise<ShippingQuote[]>;
}

export interface CreateIntentInput {
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
  /** A Stripe test payment method such as pm_card_visa confirms server-side; without one the client confirms with the client secret. */
  paymentMethod?: string;
}

export interface PaymentsRpc extends ReadyRpc {
  /** The order's PaymentIntent, created once (idempotent by order id). */
  createIntent(input: CreateIntentInput): Promise<PaymentInfo>;
}

export interface OrdersRpc extends ReadyRpc {
  /** Whether the user has a delivered sub-order line of the product (the gate for a verified review). */
  hasPurchased(userId: string, productId: string): Promise<boolean>;
}

/**
 * Generated Env types see a service binding as a plain Fetcher (a Worker's
 * config does not know the other Worker's code); this names its RPC surface.
 */
export function rpc<T extends object>(binding: Fetcher): Fetcher<T & Rpc.WorkerEntrypointBranded> {
  return binding as Fetcher<T & Rpc.WorkerEntrypointBranded>;
}
