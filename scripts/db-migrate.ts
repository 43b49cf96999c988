// Applies every Worker's D1 migrations to the local databases (`npm run db:migrate`).
// `--persist-to <dir>` migrates another state folder (the reliability suite's), as `wrangler dev --persist-to` reads it.
import { parseArgs } from "node:util";
import { run } from "./run.ts";
import { STATE_DIR, workers } from "./workers.ts";

const { values } = parseArgs({ options: { "persist-to": { type: "string" } } });
const stateDir = values["persist-to"] ?? STATE_DIR;

for (const worker of workers().filter((w) => w.hasDatabase)) {
  console.log(`migrating ${worker.name}`);
  await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "-c", worker.config, "--persist-to", stateDir], {
    quiet: true,
  });
}
