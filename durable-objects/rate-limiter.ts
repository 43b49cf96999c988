import { DurableObject } from "cloudflare:workers";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees up. */
  resetSeconds: number;
}

/**
 * An exact sliding-window limiter, one instance per key (such as `login:ip:203.0.113.9`).
 * A Durable Object runs one call at a time, so two attempts can never both take the last slot.
 */
export class RateLimiter extends DurableObject {
  async hit(limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = Date.now();
    const windowMs = windowSeconds * 1000;
    const recent = ((await this.ctx.storage.get<number[]>("hits")) ?? []).filter((t) => t > now - windowMs);
    const allowed = recent.length < limit;
    if (allowed) recent.push(now);
    await this.ctx.storage.put("hits", recent);
    // Forget the key once its window has passed, so idle keys cost no storage.
    await this.ctx.storage.setAlarm(now + windowMs);
    const oldest = recent[0] ?? now;
    return {
      allowed,
      limit,
      remaining: Math.max(0, limit - recent.length),
      resetSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)),
    };
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
