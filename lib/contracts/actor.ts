import { z } from "zod";

export const Role = z.enum(["customer", "vendor", "admin"]);
export type Role = z.infer<typeof Role>;

/** Who is calling, as verified by the gateway from the access token. */
export const Actor = z.object({
  sub: z.string().min(1),
  roles: z.array(Role),
  /** Vendor id, for vendor owners and staff. */
  vid: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

/**
 * The gateway puts the verified actor in this header; domain Workers trust it
 * because only the gateway and other Workers can reach them. The gateway drops
 * any value a client sends.
 */
export const ACTOR_HEADER = "x-actor";
export const TRACE_HEADER = "x-trace-id";

export function encodeActor(actor: Actor): string {
  return JSON.stringify(actor);
}

export function decodeActor(header: string | null | undefined): Actor | undefined {
  if (!header) return undefined;
  try {
    const parsed = Actor.safeParse(JSON.parse(header));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
