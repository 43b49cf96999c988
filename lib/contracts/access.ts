import type { Actor } from "./actor.ts";

/**
 * Who may call a route. `anonymous`: anyone; `customer`: any signed-in user,
 * who sees only their own records; `vendor`: staff of one vendor, scoped to it;
 * `admin`: administrators.
 */
export type Access = "anonymous" | "customer" | "vendor" | "admin";

export type AccessDecision = "allow" | "unauthenticated" | "forbidden";

export function decideAccess(access: Access, actor: Actor | undefined): AccessDecision {
  if (access === "anonymous") return "allow";
  if (!actor) return "unauthenticated";
  if (access === "customer") return "allow";
  if (access === "vendor") return actor.roles.includes("vendor") && actor.vid ? "allow" : "forbidden";
  return actor.roles.includes("admin") ? "allow" : "forbidden";
}
