// `npm run new:worker NAME`: writes a domain Worker in the shape every Worker here has
// (wrangler file, src/{index,app}.ts, routes/, consumers/, db/schema.ts, test/, README.md),
// its migrations folder, its inbox queue and dead-letter queue, and its generated Env.
// `npm run dev`, the typecheck and `npm test` find Workers by folder, so nothing else needs editing.

import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { run } from "./run.ts";
import { ROOT } from "./workers.ts";

const name = process.argv[2] ?? "";
if (!/^[a-z][a-z0-9-]{1,30}$/.test(name)) {
  console.error("usage: npm run new:worker NAME   (lowercase letters, digits and dashes, 2 to 31 characters)");
  process.exit(2);
}
const dir = `${ROOT}workers/${name}`;
if (existsSync(dir) || name === "gateway") {
  console.error(`workers/${name} already exists`);
  process.exit(1);
}

const upper = name.toUpperCase().replaceAll("-", "_");
const camel = name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = camel.charAt(0).toUpperCase() + camel.slice(1);
const inbox = `${name}-inbox`;

const files: Record<string, string> = {
  "wrangler.toml": `# ${name}: (say what this domain owns in one line).
name = "${name}"
main = "src/index.ts"
compatibility_date = "2026-11-01"
compatibility_flags = ["nodejs_compat"]
workers_dev = false
preview_urls = false

[observability]
enabled = true

[vars]
LOG_LEVEL = "info"
# Seconds before a failed event's first retry, doubled on each later one (at most 300).
QUEUE_RETRY_BASE_SECONDS = "2"

[[d1_databases]]
binding = "DB"
database_name = "${name}"
database_id = "${randomUUID()}"
migrations_dir = "../../migrations/${name}"

# Its own inbox: an admin's replay of a dead letter goes back through it.
[[queues.producers]]
binding = "INBOX_${upper}"
queue = "${inbox}"

[[queues.consumers]]
queue = "${inbox}"
max_batch_size = 10
max_batch_timeout = 1
max_retries = 5
dead_letter_queue = "${inbox}-dlq"

# Its dead-letter queue: each message becomes a row of dead_letters in D1.
[[queues.consumers]]
queue = "${inbox}-dlq"
max_batch_size = 10
max_batch_timeout = 1
max_retries = 10

[[analytics_engine_datasets]]
binding = "ANALYTICS"
dataset = "marketplace_requests"
`,
  "tsconfig.json": `{
  "extends": "../../tsconfig.json",
  "compilerOptions": { "types": ["@cloudflare/workers-types", "@cloudflare/vitest-plugin/types"] },
  "include": ["worker-configuration.d.ts", "src", "test", "../../lib", "../../durable-objects", "../../test/worker"]
}
`,
  "vitest.config.ts": `import { workerProject } from "../../vitest.worker.ts";

export default workerProject("${name}");
`,
  "src/index.ts": `import { WorkerEntrypoint } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import type { Readiness, ReadyRpc } from "#lib/contracts/rpc.ts";
import { pingD1 } from "#lib/db/ping.ts";
import { readiness } from "#lib/http/ready.ts";
import { consumeBatch } from "#lib/queue/consume.ts";
import { isDeadLetterQueue, recordDeadLetters } from "#lib/queue/dead-letters.ts";
import { app } from "./app.ts";
import { consumers } from "./consumers/index.ts";

/** Its RPC interface goes in lib/contracts/rpc.ts (extending ReadyRpc) once another Worker calls it. */
export default class ${pascal}Worker extends WorkerEntrypoint<Env> implements ReadyRpc {
  override fetch(request: Request): Response | Promise<Response> {
    return app.fetch(request, this.env, this.ctx);
  }

  override async queue(batch: MessageBatch<unknown>): Promise<void> {
    const db = drizzle(this.env.DB);
    if (isDeadLetterQueue(batch.queue)) return recordDeadLetters(batch, db, "${name}", this.env);
    await consumeBatch(batch, db, consumers, "${name}", this.env);
  }

  ready(): Promise<Readiness> {
    return readiness("${name}", { db: () => pingD1(this.env.DB) });
  }
}
`,
  "src/app.ts": `import { createApp } from "#lib/http/app.ts";
import { routes } from "./routes/index.ts";

export const app = createApp<Env>("${name}").route("/", routes);
`,
  "src/routes/index.ts": `import { createRoutes } from "#lib/http/app.ts";

/**
 * Public routes: declare each in lib/contracts/api/${name}.ts with \`apiRoute\` (method, path, operationId,
 * summary, description, schemas, \`x-access\`), add it to PUBLIC_API with its tag, then implement it here with \`.openapi(route, handler)\`.
 */
export const routes = createRoutes<Env>();
`,
  "src/consumers/index.ts": `import type { Consumer } from "#lib/queue/consume.ts";

/** One consumed event per file beside this one; route the event to "${inbox}" in lib/contracts/events/routing.ts. */
export const consumers: Consumer[] = [];
`,
  "src/db/schema.ts": `// The ${name} domain's tables; \`npm run db:generate\` writes migrations/${name}/ from them.
export { processedEvents } from "#lib/outbox/schema.ts";
export { deadLetters } from "#lib/queue/schema.ts";
`,
  [`test/${name}.test.ts`]: `import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("${name}", () => {
  it("has its database migrated", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name)).toEqual(expect.arrayContaining(["processed_events", "dead_letters"]));
  });

  it("is ready when its database answers", async () => {
    const ready = await exports.default.ready();
    expect(ready.ok).toBe(true);
    expect(ready.checks.db?.ok).toBe(true);
  });

  it("answers an unknown route with a problem", async () => {
    const res = await exports.default.fetch("http://${name}/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });
});
`,
  "README.md": `# ${name}

(One paragraph: what this domain owns and why it is its own Worker.)

| binding                      | what                                  |
| ---------------------------- | ------------------------------------- |
| \`DB\`                         | D1 \`${name}\`                          |
| \`INBOX_${upper}\`              | its own inbox (dead-letter replays)    |
| consumer of \`${inbox}\`      | DLQ \`${inbox}-dlq\` after 5 retries   |

| routes (via gateway) | RPC | emits | consumes |
| -------------------- | --- | ----- | -------- |
| none yet             |     |       |          |

| test file               | what it proves                                        |
| ----------------------- | ----------------------------------------------------- |
| \`test/${name}.test.ts\` | the database is migrated; \`ready()\` pings it; unknown routes answer 404 |
`,
};

for (const [path, text] of Object.entries(files)) {
  const file = `${dir}/${path}`;
  mkdirSync(file.slice(0, file.lastIndexOf("/")), { recursive: true });
  writeFileSync(file, text);
}

await run("drizzle-kit", [
  "generate",
  "--dialect",
  "sqlite",
  "--schema",
  `workers/${name}/src/db/schema.ts`,
  "--out",
  `migrations/${name}`,
  "--name",
  "init",
]);
await run("wrangler", [
  "types",
  `workers/${name}/worker-configuration.d.ts`,
  "-c",
  `workers/${name}/wrangler.toml`,
  "--include-runtime",
  "false",
]);
await run("biome", ["check", "--write", `workers/${name}`], { quiet: true });
console.log(`workers/${name} is ready: npm run dev starts it, npm test runs its tests (vitest run --project ${name}).`);
