// Seeds the running local marketplace (`npm run seed`; `npm run dev` calls it):
// an admin account from SEED_ADMIN_EMAIL / SEED_ADMIN_PASSWORD. Safe to run again.
import { run } from "./run.ts";
import { ROOT, STATE_DIR } from "./workers.ts";

const gateway = process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? "8787"}`;
// Local-only defaults, documented in the README; never used outside `wrangler dev`.
const email = (process.env.SEED_ADMIN_EMAIL ?? "admin@marketplace.local").toLowerCase();
const password = process.env.SEED_ADMIN_PASSWORD ?? "local-admin-password";

const res = await fetch(`${gateway}/api/v1/auth/register`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ email, password, name: "Marketplace Admin" }),
});
if (res.status !== 201 && res.status !== 409) throw new Error(`seeding the admin failed: ${res.status} ${await res.text()}`);

// The public API never grants admin; the seed writes the role straight into auth's local database.
const promote = `UPDATE users SET roles = '["customer","admin"]' WHERE email = '${email.replace(/'/g, "''")}'`;
await run("wrangler", ["d1", "execute", "DB", "--local", "-c", `${ROOT}workers/auth/wrangler.toml`, "--persist-to", STATE_DIR, "--command", promote], {
  quiet: true,
});

console.log(`admin: ${email} / ${password}`);
