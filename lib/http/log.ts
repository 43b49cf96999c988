export type LogLevel = "debug" | "info" | "warn" | "error";

/** One JSON line per event, the shape every Worker logs in. */
export function log(level: LogLevel, worker: string, fields: Record<string, unknown>): void {
  const line = JSON.stringify({ ts: new Date().toISOString(), level, worker, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
