import type { MiddlewareHandler } from "hono";
import type { Access } from "#lib/contracts/access.ts";
import { type Membership, rpc, type VendorsRpc } from "#lib/contracts/rpc.ts";
import { log } from "#lib/http/log.ts";
import { ProblemError, problem } from "#lib/http/problem.ts";

// Caps memory only: past it the oldest answers are dropped and simply asked again.
const MAX_REMEMBERED = 10_000;

/**
 * Users whose membership of an approved store this isolate confirmed lately, with
 * when to ask again. Only good answers are kept, so a reinstated store or a new
 * member works at once, and a revocation shows within the TTL.
 */
const confirmed = new Map<string, { vendorId: string; until: number }>();

/**
 * A vendor token says who was staff of an approved store when it was issued (up to
 * 15 minutes ago); this asks the vendors Worker whether that is still so, for
 * routes where the caller acts as a vendor. Admins on vendor_or_admin routes act
 * as admins and are not asked about.
 */
export function vendorStanding(access: Access): MiddlewareHandler<{ Bindings: Env }>[] {
  if (access !== "vendor" && access !== "vendor_or_admin") return [];
  return [
    async (c, next) => {
      const actor = c.get("actor");
      const vendorId = actor?.vid;
      const actsAsAdmin = access === "vendor_or_admin" && actor?.roles.includes("admin");
      if (actor && vendorId && !actsAsAdmin) {
        const refusal = await standingRefusal(c.env, actor.sub, vendorId);
        if (refusal) return problem(c, 403, refusal, { type: "vendor-not-active" });
      }
      await next();
    },
  ];
}

/** Why the user may no longer act for the store, or undefined when they may. */
async function standingRefusal(env: Env, userId: string, vendorId: string): Promise<string | undefined> {
  const now = Date.now();
  const known = confirmed.get(userId);
  if (known && known.vendorId === vendorId && known.until > now) return undefined;
  confirmed.delete(userId);
  const membership = await currentMembership(env, userId);
  if (!membership || membership.vendorId !== vendorId) return "You no longer belong to this store; sign in again.";
  if (membership.status !== "approved")
    return `This store is ${membership.status}; its vendor routes are closed until it is approved again.`;
  remember(userId, vendorId, now + ttlMs(env));
  return undefined;
}

async function currentMembership(env: Env, userId: string): Promise<Membership | null> {
  try {
    return await rpc<VendorsRpc>(env.VENDORS).membership(userId);
  } catch (error) {
    log("error", "gateway", { msg: "vendor standing unavailable", error: String(error) });
    throw new ProblemError(503, "Your store's standing cannot be checked right now; retry shortly.", {
      headers: { "retry-after": "2" },
    });
  }
}

function remember(userId: string, vendorId: string, until: number): void {
  if (until <= Date.now()) return;
  confirmed.set(userId, { vendorId, until });
  // A Map iterates in insertion order, so the first key is the oldest answer.
  for (const oldest of confirmed.keys()) {
    if (confirmed.size <= MAX_REMEMBERED) break;
    confirmed.delete(oldest);
  }
}

function ttlMs(env: Env): number {
  const seconds = Number(env.VENDOR_STANDING_TTL_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
