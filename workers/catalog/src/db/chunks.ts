import { getTableColumns } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** D1 binds at most this many variables in one statement ("too many SQL variables" past it). */
export const MAX_BOUND_VARIABLES = 100;

/** Rows in parts small enough that a multi-row INSERT of each part binds one variable per column and stays within D1's limit. */
export function insertChunks<T>(table: SQLiteTable, rows: readonly T[]): T[][] {
  const size = Math.max(1, Math.floor(MAX_BOUND_VARIABLES / Object.keys(getTableColumns(table)).length));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
