import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * A domain Worker as an auxiliary Worker of a vitest project: bundled with
 * esbuild (the vitest plugin runs only the Worker under test from source) and
 * bound exactly as its wrangler.toml says.
 */
export async function bundledWorker(name: string, bindings: Record<string, string> = {}) {
  const outdir = `${root}.build/test/${name}`;
  await build({
    entryPoints: [`${root}workers/${name}/src/index.ts`],
    outfile: `${outdir}/index.js`,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2024",
    conditions: ["workerd", "worker", "browser", "import"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "warning",
  });
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${root}workers/${name}/wrangler.toml`);
  // The bundle replaces wrangler's module rules.
  const { modulesRules: _rules, ...options } = workerOptions;
  return {
    ...options,
    name,
    modules: true,
    scriptPath: `${outdir}/index.js`,
    rootPath: outdir,
    // wrangler vars are strings (the Workers here declare no JSON vars).
    bindings: { ...(options.bindings as Record<string, string> | undefined), ...bindings },
  };
}
