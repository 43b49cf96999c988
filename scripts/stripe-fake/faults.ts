// Injected faults of the /v1 API, for tests of what a client does when Stripe misbehaves.
import { invalidRequest } from "./errors.ts";

/**
 * - `drop`: the request is done, then its connection is cut before the answer (a lost response).
 * - `fail`: answered 500 `api_error` without doing anything.
 * - `hang`: the request is done, then the answer waits `hangMs` and the connection is cut (a timeout after the work).
 * - `refuse`: answered 400 `invalid_request_error` without doing anything (Stripe saying no for good).
 */
export type FaultMode = "drop" | "fail" | "hang" | "refuse";

export interface FaultRule {
  mode: FaultMode;
  /** Requests whose path starts with this (`/v1/refunds`, `/v1/transfers/`); every /v1 request without it. */
  path: string;
  /** How many matching requests it still applies to. */
  times: number;
  hangMs: number;
}

export class Faults {
  private rules: FaultRule[] = [];

  /** `{ dropResponses: n }` is the older shorthand for `{ mode: "drop", times: n }`. */
  add(body: Record<string, unknown>): FaultRule {
    const times = count(body.times ?? body.dropResponses ?? 1, "times");
    const mode = body.mode ?? "drop";
    if (!isMode(mode)) throw invalidRequest("mode must be drop, fail, hang or refuse.", { param: "mode" });
    const path = body.path ?? "/v1/";
    if (typeof path !== "string" || !path.startsWith("/v1/"))
      throw invalidRequest("path must start with /v1/.", { param: "path" });
    const rule: FaultRule = { mode, path, times, hangMs: count(body.hangMs ?? 2_000, "hangMs") };
    if (times > 0) this.rules.push(rule);
    return rule;
  }

  /** The fault that applies to this request, if any (counted as used). */
  take(pathname: string): FaultRule | undefined {
    const rule = this.rules.find((r) => r.times > 0 && pathname.startsWith(r.path));
    if (!rule) return undefined;
    rule.times -= 1;
    this.rules = this.rules.filter((r) => r.times > 0);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  reset(): void {
    this.rules = [];
  }
}

const MODES: readonly unknown[] = ["drop", "fail", "hang", "refuse"] satisfies FaultMode[];
const isMode = (value: unknown): value is FaultMode => MODES.includes(value);

function count(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  throw invalidRequest(`${name} must be a non-negative integer.`, { param: name });
}
