import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";

// The setup of every Worker's own tests (vitest.worker.ts). A Worker with a
// database gets TEST_MIGRATIONS, migrations/<name>, for its D1 bound as DB; the
// gateway has neither, so both are read as optional here rather than declared on every Env.
const { DB, TEST_MIGRATIONS } = env as { DB?: D1Database; TEST_MIGRATIONS?: D1Migration[] };
if (TEST_MIGRATIONS) {
  if (!DB) throw new Error("TEST_MIGRATIONS is bound but the Worker binds no D1 as DB");
  await applyD1Migrations(DB, TEST_MIGRATIONS);
}
