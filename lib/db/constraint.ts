/**
 * Whether a D1 error (or drizzle's "Failed query" wrapper around one, which
 * keeps D1's error as `cause`) is a constraint violation, e.g.
 * `isConstraintViolation(error, "UNIQUE", "users.email")`. The optional column
 * narrows it to `table.column` as SQLite names it.
 */
export function isConstraintViolation(
  error: unknown,
  kind: "UNIQUE" | "NOT NULL" | "CHECK" | "FOREIGN KEY",
  column?: string,
): boolean {
  const wanted = `${kind} constraint failed${column ? `: ${column}` : ""}`;
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    if (message.includes(wanted)) return true;
    e = e instanceof Error ? e.cause : undefined;
  }
  return false;
}
