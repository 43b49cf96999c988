import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * `column IN (values)` with the whole list bound as one JSON array: D1 binds at
 * most 100 variables per statement, so drizzle's `inArray`, one variable per
 * value, fails on long lists ("too many SQL variables").
 */
export function inList(column: AnyColumn, values: readonly (string | number)[]): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}
