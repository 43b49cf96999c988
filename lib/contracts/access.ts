import type { Actor } from "./actor.ts";

/**
 * Who may call a route. `anonymous`: anyone; `customer`: any signed-in user,
 * who sees only their own records; `vendor`: staff of one vendor, scoped to it;
 * `admin`: administrators; `vendor_or_admin`: either (a vendor scoped to its own records).
 */
export type Access = "anonymous" | "customer" | "vendor" | "admin" | "vendor_or_admin";

/** Who each access level admits, in words (403 details and the OpenAPI descriptions). */
export const CALLERS: Record<Access, string> = {
  anonymous: "anyone",
  customer: "signed-in users",
  vendor: "vendor staff",
  admin: "administrators",
  vendor_or_admin: "vendor staff and administrators",
};

export type AccessDecision = "allow" | "unauthenticated" | "forbidden";

export function decideAccess(access: Access, actor: Actor | undefined): AccessDecision {
  if (access === "anonymous") return "allow";
  if (!actor) return "unauthenticated";
  if (access === "customer") return "allow";
  const isVendor = actor.roles.includes("vendor") && Boolean(actor.vid);
  const isAdmin = actor.roles.includes("admin");
  if (access === "vendor") return isVendor ? "allow" : "forbidden";
  if (access === "admin") return isAdmin ? "allow" : "forbidden";
  return isVendor || isAdmin ? "allow" : "forbidden";
}
