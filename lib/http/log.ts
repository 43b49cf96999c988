export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
let threshold = RANK.info;

/** Sets the least severe level written, from the Worker's LOG_LEVEL var (unknown values keep `info`). */
export function setLogLevel(level: string | undefined): void {
  threshold = level && level in RANK ? RANK[level as LogLevel] : RANK.info;
}

/** One JSON line per event, the shape every Worker logs in. */
export function log(level: LogLevel, worker: string, fields: Record<string, unknown>): void {
  if (RANK[level] < threshold) return;
  const line = JSON.stringify({ ts: new Date().toISOString(), level, worker, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
