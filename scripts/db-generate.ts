// Regenerates each Worker's D1 migrations from its drizzle schema (`npm run db:generate`).
import { existsSync } from "node:fs";
import { run } from "./run.ts";
import { ROOT, workers } from "./workers.ts";

for (const worker of workers()) {
  const schema = `workers/${worker.name}/src/db/schema.ts`;
  if (!existsSync(`${ROOT}${schema}`)) continue;
  await run("drizzle-kit", [
    "generate",
    "--dialect",
    "sqlite",
    "--schema",
    schema,
    "--out",
    `migrations/${worker.name}`,
  ]);
}
