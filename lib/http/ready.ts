import type { Readiness, ReadyCheck } from "#lib/contracts/rpc.ts";
import { log } from "./log.ts";

/** A Worker's own checks answer within this, so the gateway (which waits 2 s) hears which one hung. */
export const CHECK_TIMEOUT_MS = 1_500;

/**
 * Runs one check under a deadline. The caller learns only ok, ms and the kind
 * of failure; the error itself is logged here, never sent on.
 */
export async function probe(
  worker: string,
  name: string,
  check: () => Promise<unknown>,
  timeoutMs: number,
): Promise<ReadyCheck> {
  const started = Date.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const deadline = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const outcome = await Promise.race([check().then(() => "ok" as const), deadline]);
    if (outcome === "ok") return { ok: true, ms: Date.now() - started };
    log("warn", worker, { msg: "readiness check timed out", check: name, timeoutMs });
    return { ok: false, ms: Date.now() - started, error: "timeout" };
  } catch (error) {
    log("warn", worker, { msg: "readiness check failed", check: name, error: String(error) });
    return { ok: false, ms: Date.now() - started, error: "error" };
  } finally {
    clearTimeout(timer);
  }
}

/** A Worker's `ready()`: each of its checks in parallel, ready only if all pass. */
export async function readiness(
  worker: string,
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Readiness> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => [name, await probe(worker, name, check, timeoutMs)] as const),
  );
  return { ok: results.every(([, result]) => result.ok), checks: Object.fromEntries(results) };
}
