import { and, asc, Column, desc, eq, gt, is, lt, or, type SQL, type SQLWrapper } from "drizzle-orm";
import { base64url } from "jose";
import { ProblemError } from "./problem.ts";

type Key = string | number;

/**
 * One keyset-paginated list: the sort's columns (the last one unique, usually the id) and direction.
 * Fetch `fetch` rows filtered by `after` and ordered by `orderBy`, then `pageOf` cuts the page.
 * The cursor is opaque to clients: the last item's keys as a base64url JSON array.
 */
export function keyset(columns: SQLWrapper[], dir: "asc" | "desc", limit: number, cursor: string | undefined) {
  const keys = decodeKeys(cursor, columns);
  return {
    after: keys && after(columns, keys, dir === "asc" ? gt : lt),
    orderBy: columns.map((column) => (dir === "asc" ? asc(column) : desc(column))),
    fetch: limit + 1,
    pageOf<T>(rows: T[], keyOf: (row: T) => Key[]): { items: T[]; nextCursor: string | null } {
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > limit && last ? base64url.encode(JSON.stringify(keyOf(last))) : null };
    },
  };
}

/** `(a, b) > (x, y)` spelled out as `a > x OR (a = x AND b > y)`, which D1 plans with the sort's index. */
function after(columns: SQLWrapper[], keys: Key[], beyond: typeof gt): SQL | undefined {
  const [column, ...rest] = columns;
  const [key, ...restKeys] = keys;
  if (!column || key === undefined) return undefined;
  if (!rest.length) return beyond(column, key);
  return or(beyond(column, key), and(eq(column, key), after(rest, restKeys, beyond)));
}

function decodeKeys(cursor: string | undefined, columns: SQLWrapper[]): Key[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const keys: unknown = JSON.parse(
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(base64url.decode(cursor)),
    );
    if (Array.isArray(keys) && keys.length === columns.length && keys.every((key, i) => fits(key, columns[i]))) {
      return keys;
    }
  } catch {
    // not base64url, not UTF-8 or not JSON: a cursor this API did not issue, as below
  }
  throw new ProblemError(400, "The cursor is not valid.", {
    type: "invalid-cursor",
    errors: [{ path: "cursor", message: "Not a cursor from this API." }],
  });
}

/** A key of a table column has the column's type; one of a SQL expression is any string or finite number. */
function fits(key: unknown, column: SQLWrapper | undefined): key is Key {
  const type = typeof key;
  if (type === "number" ? !Number.isFinite(key) : type !== "string") return false;
  return !is(column, Column) || column.dataType === type;
}
