import { DurableObject } from "cloudflare:workers";

/** The failures one instance allows: all of its addresses together, and (for an account) each address alone. */
export interface LoginLimits {
  /** Failures allowed in a sliding window, every address together. */
  failures: number;
  windowSeconds: number;
  /** For an account: each address's own free failures, then a doubling wait; the owner's addresses pass a full window. */
  perAddress?: { freeFailures: number; baseSeconds: number; maxSeconds: number };
}

/** One rule's state, for the RateLimit header fields. */
export interface RuleState {
  rule: "window" | "perAddress";
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

export type LoginVerdict =
  | { allowed: true; attemptId: string; rules: RuleState[] }
  | { allowed: false; refusedBy: RuleState };

interface Failure {
  id: string;
  at: number;
  until: number;
}

// How long an address's failures at an account count towards its backoff.
const PER_ADDRESS_MEMORY_MS = 24 * 3600_000;
// An address the owner signed in from stays trusted this long, the most recent few.
const KNOWN_ADDRESS_MS = 30 * 24 * 3600_000;
const KNOWN_ADDRESSES_KEPT = 20;

const WINDOW = "window";
const KNOWN = "known";
const perAddressKey = (address: string) => `address:${address}`;

/**
 * Failed sign-ins, one instance per account (`account:<email>`) or per client
 * address across accounts (`address:<ip>`). An attempt counts as a failure from
 * the moment it is let through, so parallel guesses cannot all slip past the
 * limit before any has failed; `settle` takes it back when it was not a failure.
 */
export class LoginThrottle extends DurableObject {
  async begin(address: string, limits: LoginLimits): Promise<LoginVerdict> {
    const now = Date.now();
    const window = await this.failures(WINDOW, now);
    const own = limits.perAddress ? await this.failures(perAddressKey(address), now) : [];
    const rules: RuleState[] = [];
    if (limits.perAddress) {
      const { freeFailures, baseSeconds, maxSeconds } = limits.perAddress;
      const wait = backoffMs(own, freeFailures, baseSeconds, maxSeconds, now);
      if (wait > 0)
        return { allowed: false, refusedBy: rule("perAddress", freeFailures, PER_ADDRESS_MEMORY_MS, 0, wait) };
      const forgotten = own[0] ? own[0].until - now : PER_ADDRESS_MEMORY_MS;
      rules.push(rule("perAddress", freeFailures, PER_ADDRESS_MEMORY_MS, freeFailures - own.length - 1, forgotten));
    }
    const windowMs = limits.windowSeconds * 1000;
    const freesUp = window[0] ? window[0].until - now : windowMs;
    if (window.length >= limits.failures && !(limits.perAddress && (await this.isKnown(address, now)))) {
      return { allowed: false, refusedBy: rule("window", limits.failures, windowMs, 0, freesUp) };
    }
    rules.push(rule("window", limits.failures, windowMs, limits.failures - window.length - 1, freesUp));

    const attemptId = crypto.randomUUID();
    const writes: Record<string, Failure[]> = {
      [WINDOW]: [...window, { id: attemptId, at: now, until: now + windowMs }],
    };
    if (limits.perAddress)
      writes[perAddressKey(address)] = [...own, { id: attemptId, at: now, until: now + PER_ADDRESS_MEMORY_MS }];
    await this.ctx.storage.put(writes);
    await this.armCleanup(now + windowMs);
    return { allowed: true, attemptId, rules };
  }

  /**
   * The attempt was not a failure, so it no longer counts. `ownerSignedIn`: the
   * account's owner signed in from this address, which ends its backoff and trusts it.
   */
  async settle(attemptId: string, address: string, ownerSignedIn: boolean): Promise<void> {
    const now = Date.now();
    const key = perAddressKey(address);
    const [window, own] = await Promise.all([this.failures(WINDOW, now), this.failures(key, now)]);
    await this.ctx.storage.put(
      WINDOW,
      window.filter((f) => f.id !== attemptId),
    );
    if (!ownerSignedIn) {
      if (own.length)
        await this.ctx.storage.put(
          key,
          own.filter((f) => f.id !== attemptId),
        );
      return;
    }
    await this.ctx.storage.delete(key);
    const known = { ...(await this.known(now)), [address]: now + KNOWN_ADDRESS_MS };
    const kept = Object.entries(known)
      .sort(([, a], [, b]) => b - a)
      .slice(0, KNOWN_ADDRESSES_KEPT);
    await this.ctx.storage.put(KNOWN, Object.fromEntries(kept));
    await this.armCleanup(now + KNOWN_ADDRESS_MS);
  }

  /** Drops what has expired; the object forgets itself once nothing is left. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = Infinity;
    for (const [key, value] of await this.ctx.storage.list()) {
      const untils =
        key === KNOWN ? Object.values(value as Record<string, number>) : (value as Failure[]).map((f) => f.until);
      const live = untils.filter((until) => until > now);
      if (live.length === 0) await this.ctx.storage.delete(key);
      next = Math.min(next, ...live);
    }
    if (next === Infinity) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(next);
  }

  private async failures(key: string, now: number): Promise<Failure[]> {
    return ((await this.ctx.storage.get<Failure[]>(key)) ?? []).filter((f) => f.until > now);
  }

  private async known(now: number): Promise<Record<string, number>> {
    const all = (await this.ctx.storage.get<Record<string, number>>(KNOWN)) ?? {};
    return Object.fromEntries(Object.entries(all).filter(([, until]) => until > now));
  }

  private async isKnown(address: string, now: number): Promise<boolean> {
    return address in (await this.known(now));
  }

  private async armCleanup(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }
}

/**
 * How long the address must still wait: none for its first free failures, then
 * base × 2^(n − free) seconds after its latest, n being its failures (capped).
 */
function backoffMs(own: Failure[], free: number, baseSeconds: number, maxSeconds: number, now: number): number {
  const latest = own[own.length - 1];
  if (!latest || own.length < free) return 0;
  const waitSeconds = Math.min(maxSeconds, baseSeconds * 2 ** (own.length - free));
  return Math.max(0, latest.at + waitSeconds * 1000 - now);
}

function rule(name: RuleState["rule"], quota: number, windowMs: number, remaining: number, resetMs: number): RuleState {
  return {
    rule: name,
    quota,
    windowSeconds: windowMs / 1000,
    remaining: Math.max(0, remaining),
    resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
  };
}
