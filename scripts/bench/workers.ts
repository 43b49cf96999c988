// The Workers of the benchmark's Miniflare: the bundled catalog, a bare Worker and a driver that calls Durable Objects from inside workerd.
import { convertV4MiniflareOptions, type Json, type MiniflareOptions, type V4MiniflareOptions } from "miniflare";
import { bundledWorker } from "../bundle-worker.ts";

// Each Worker answers on its own host name; dispatchFetch never leaves the process's loopback socket.
export const HOSTS = { catalog: "http://catalog.bench", bare: "http://bare.bench", driver: "http://driver.bench" };

// The baseline for search: the smallest Worker that returns a fixed JSON body.
const BARE_WORKER = `
const body = JSON.stringify({ items: [], nextCursor: null });
export default {
  fetch() {
    return new Response(body, { headers: { "content-type": "application/json" } });
  },
};
`;

// GET /setup?sku=&onHand= stocks the hot SKU; GET /run?target=inventory|bare&n=&c=&round=&sku= makes n calls,
// c at a time, on one stub and answers the elapsed time measured inside workerd.
const DRIVER_WORKER = `
import { DurableObject } from "cloudflare:workers";

export class Bare extends DurableObject {
  ping() {
    return 1;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const param = (name) => url.searchParams.get(name) ?? "";
    const sku = param("sku");
    const inventory = env.INVENTORY.get(env.INVENTORY.idFromName(sku));
    if (url.pathname === "/setup") return Response.json(await inventory.setStock(sku, Number(param("onHand"))));
    const n = Number(param("n"));
    const c = Number(param("c"));
    const round = param("round");
    const bare = env.BARE.get(env.BARE.idFromName("hot"));
    const call = param("target") === "bare"
      ? async () => (await bare.ping()) === 1
      : async (i) => (await inventory.reserve(sku, "hld_bench_" + round + "_" + i, 1, 3600)).ok;
    let next = 0;
    let failed = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: c }, async () => {
      while (next < n) if (!(await call(next++))) failed++;
    }));
    return Response.json({ ms: performance.now() - started, failed });
  },
};
`;

/** The catalog Worker bundled and bound as the system tests do, quiet: request logs would only slow it down. */
async function bundledCatalog() {
  const catalog = await bundledWorker("catalog", { LOG_LEVEL: "warn" }, "bench");
  return { ...catalog, bindings: catalog.bindings as Record<string, Json> };
}

export async function benchOptions(): Promise<MiniflareOptions> {
  const catalog = await bundledCatalog();
  // The bare and driver Workers run on the catalog's compatibility date.
  const { compatibilityDate } = catalog;
  const options: V4MiniflareOptions = {
    host: "127.0.0.1",
    port: 0,
    // A fixed Request.cf: Miniflare would otherwise download one.
    cf: { colo: "LOC", country: "NL" },
    telemetry: { enabled: false },
    workers: [
      { ...catalog, routes: [`${new URL(HOSTS.catalog).host}/*`] },
      {
        name: "bare",
        modules: true,
        script: BARE_WORKER,
        compatibilityDate,
        routes: [`${new URL(HOSTS.bare).host}/*`],
      },
      {
        name: "driver",
        modules: true,
        script: DRIVER_WORKER,
        compatibilityDate,
        routes: [`${new URL(HOSTS.driver).host}/*`],
        durableObjects: {
          INVENTORY: { className: "Inventory", scriptName: "catalog", useSQLite: true },
          BARE: { className: "Bare", useSQLite: true },
        },
      },
    ],
  };
  return convertV4MiniflareOptions(options);
}
