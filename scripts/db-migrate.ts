// Applies every Worker's D1 migrations to the local databases (`npm run db:migrate`).
import { run } from "./run.ts";
import { STATE_DIR, workers } from "./workers.ts";

for (const worker of workers().filter((w) => w.hasDatabase)) {
  console.log(`migrating ${worker.name}`);
  await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "-c", worker.config, "--persist-to", STATE_DIR], { quiet: true });
}
