/** The cheapest query that proves the database answers (a Worker's readiness check). */
export async function pingD1(db: D1Database): Promise<void> {
  await db.prepare("SELECT 1").first();
}
