// Stripe's Idempotency-Key on POSTs: per API key, kept 24 hours; the same key replays the saved answer when the
// request is the same, and is refused (idempotency_error) when the method, path or parameters differ.
import type { Params } from "./params.ts";

interface Saved {
  fingerprint: string;
  status: number;
  body: string;
  savedAt: number;
}

const LIFETIME_MS = 24 * 60 * 60 * 1000;
export const MAX_KEY_LENGTH = 255;

/** The request, with object keys sorted, so parameter order does not matter. */
export function fingerprint(method: string, path: string, params: Params): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([k, v]) => [k, sorted(v)]),
      );
    }
    return value;
  };
  return JSON.stringify([method, path, sorted(params)]);
}

/**
 * Stripe saves a result once the endpoint started executing: successes, card declines and server errors.
 * Requests refused by validation (other 4xx) are not saved, so a corrected retry with the same key can succeed.
 */
export const isSaved = (status: number) => status < 400 || status === 402 || status >= 500;

/**
 * API handlers run synchronously once the body is read, so two requests with one key never interleave:
 * Stripe's 409 `idempotency_key_in_use` cannot arise here.
 */
export class IdempotencyStore {
  private readonly saved = new Map<string, Saved>();

  lookup(
    apiKey: string,
    key: string,
    print: string,
  ): { replay: { status: number; body: string } } | "conflict" | undefined {
    const id = `${apiKey}\n${key}`;
    const saved = this.saved.get(id);
    if (!saved) return undefined;
    if (Date.now() - saved.savedAt > LIFETIME_MS) {
      this.saved.delete(id);
      return undefined;
    }
    return saved.fingerprint === print ? { replay: saved } : "conflict";
  }

  save(apiKey: string, key: string, print: string, status: number, body: string): void {
    this.saved.set(`${apiKey}\n${key}`, { fingerprint: print, status, body, savedAt: Date.now() });
  }

  reset(): void {
    this.saved.clear();
  }
}
