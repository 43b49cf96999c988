import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Where `wrangler dev` and the scripts keep local state (D1, Durable Objects, queues). */
export const STATE_DIR = `${ROOT}.wrangler/state`;

export interface WorkerInfo {
  name: string;
  /** Its wrangler config; the gateway's is the root one, the public entry. */
  config: string;
  hasDatabase: boolean;
}

/** Every Worker of the marketplace, the gateway first (it gets the HTTP port under `wrangler dev`). */
export function workers(): WorkerInfo[] {
  const names = readdirSync(`${ROOT}workers`).filter((name) => existsSync(`${ROOT}workers/${name}/src/index.ts`));
  return names
    .map((name) => {
      const config = name === "gateway" ? `${ROOT}wrangler.toml` : `${ROOT}workers/${name}/wrangler.toml`;
      return { name, config, hasDatabase: readFileSync(config, "utf8").includes("[[d1_databases]]") };
    })
    .sort((a, b) => (a.name === "gateway" ? -1 : b.name === "gateway" ? 1 : a.name.localeCompare(b.name)));
}
