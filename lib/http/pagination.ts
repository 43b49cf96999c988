import { ProblemError } from "./problem.ts";

/** Cursors are opaque to clients: the last id of a page, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return btoa(lastId).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    return atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    throw new ProblemError(400, "The cursor is not valid.", {
      type: "invalid-cursor",
      errors: [{ path: "cursor", message: "Not a cursor from this API." }],
    });
  }
}

/** Fetch `limit + 1` rows; this turns them into a page and the next cursor. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
