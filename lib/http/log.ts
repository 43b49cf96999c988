export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold = RANK.info;
let worker = "unknown";

/** Sets the least severe level written, from the Worker's LOG_LEVEL var (unknown values keep `info`). */
export function setLogLevel(level: string | undefined): void {
  threshold = level && level in RANK ? RANK[level as LogLevel] : RANK.info;
}

/**
 * Names the Worker this isolate runs. `observe` calls it when the app module loads, and every
 * isolate of a Worker (its Durable Objects' too) loads the app, so code that has no request to
 * name its Worker (onError, the outbox, Durable Objects) logs under the right one.
 */
export function setWorkerName(name: string): void {
  worker = name;
}

export function workerName(): string {
  return worker;
}

/** One JSON line per event, the shape every Worker logs in. */
export function log(level: LogLevel, worker: string, fields: Record<string, unknown>): void {
  if (RANK[level] < threshold) return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, worker, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
