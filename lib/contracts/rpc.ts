import type { JWK } from "jose";
import type { VendorStatus } from "./api/vendors.ts";

/** RPC methods each Worker offers the others over service bindings. */
export interface AuthRpc {
  jwks(): Promise<{ keys: JWK[] }>;
  rotateSigningKey(): Promise<{ kid: string }>;
}

export interface ProfileSummary {
  id: string;
  email: string;
  name: string;
}

export interface UsersRpc {
  profile(userId: string): Promise<ProfileSummary | null>;
  /** The account with this email, for vendors adding staff. */
  profileByEmail(email: string): Promise<ProfileSummary | null>;
}

export interface Membership {
  vendorId: string;
  role: "owner" | "staff";
  status: VendorStatus;
}

export interface VendorsRpc {
  /** The vendor a user owns or staffs; auth puts it in the token while the vendor is approved. */
  membership(userId: string): Promise<Membership | null>;
  /** Commission rates of vendors, for checkout and payouts. */
  vendor(vendorId: string): Promise<{ id: string; name: string; status: VendorStatus; commissionBps: number } | null>;
}

/**
 * Generated Env types see a service binding as a plain Fetcher (a Worker's
 * config does not know the other Worker's code); this names its RPC surface.
 */
export function rpc<T extends object>(binding: Fetcher): Fetcher<T & Rpc.WorkerEntrypointBranded> {
  return binding as Fetcher<T & Rpc.WorkerEntrypointBranded>;
}
