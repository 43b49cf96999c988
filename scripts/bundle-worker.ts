import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * A domain Worker bundled with esbuild and bound exactly as its wrangler.toml
 * says, as Miniflare options: an auxiliary Worker of the system tests (the vitest
 * plugin runs only the Worker under test from source) or a Worker of the benchmark.
 * Each user bundles into its own folder, so one never rewrites a bundle another is loading.
 */
export async function bundledWorker(
  name: string,
  bindings: Record<string, string> = {},
  folder: "test" | "bench" = "test",
) {
  const outdir = `${root}.build/${folder}/${name}`;
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
  // wrangler's type of these options loses its keys (an Omit over an index signature); read the date back.
  const { compatibilityDate } = options as { compatibilityDate?: unknown };
  return {
    ...options,
    compatibilityDate: typeof compatibilityDate === "string" ? compatibilityDate : undefined,
    name,
    modules: true,
    scriptPath: `${outdir}/index.js`,
    rootPath: outdir,
    // wrangler vars are strings (the Workers here declare no JSON vars).
    bindings: { ...(options.bindings as Record<string, string> | undefined), ...bindings },
  };
}
