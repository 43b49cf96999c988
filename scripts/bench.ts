// `npm run bench`: search latency over a generated catalog and reservations per second on one hot SKU,
// each beside a bare Worker or bare Durable Object measured the same way in the same run (see BENCHMARKS.md).
import { availableParallelism, cpus } from "node:os";
import { Miniflare } from "miniflare";
import { BROWSE_CATEGORY, COMMON_WORD, migrateCatalog, RARE_WORD, seedCatalog } from "./bench/catalog-data.ts";
import { benchOptions, HOSTS } from "./bench/workers.ts";

const PRODUCTS = envInt("BENCH_PRODUCTS", 100_000);
const REQUESTS = envInt("BENCH_REQUESTS", 300);
const SECONDS_PER_SHAPE = envInt("BENCH_SECONDS", 50);
const WARMUP = 10;
const RESERVATIONS = envInt("BENCH_RESERVATIONS", 5_000);
const CONCURRENCY = envInt("BENCH_CONCURRENCY", 50);
const ROUNDS = envInt("BENCH_ROUNDS", 5);

const SHAPES = [
  { label: `q=${COMMON_WORD}`, query: `q=${COMMON_WORD}` },
  { label: `q=${RARE_WORD}`, query: `q=${RARE_WORD}` },
  { label: `category=${BROWSE_CATEGORY}&sort=price_asc`, query: `category=${BROWSE_CATEGORY}&sort=price_asc` },
];

console.log(`bench: ${cpus()[0]?.model ?? "cpu"}, ${availableParallelism()} cores, node ${process.version}`);
const mf = new Miniflare(await benchOptions());
try {
  await mf.ready;
  const db = await mf.getD1Database("DB", "catalog");
  const seeding = performance.now();
  await migrateCatalog(db);
  const { hotSku } = await seedCatalog(db, PRODUCTS);
  console.log(`seeded ${fmtInt(PRODUCTS)} products in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  const hits = await Promise.all([
    ...[COMMON_WORD, RARE_WORD].map((word) =>
      db
        .prepare("SELECT COUNT(*) AS n FROM product_search WHERE product_search MATCH ?")
        .bind(`"${word}"*`)
        .first<number>("n"),
    ),
    db
      .prepare("SELECT COUNT(*) AS n FROM products WHERE category_path LIKE ?")
      .bind(`/${BROWSE_CATEGORY}/%`)
      .first<number>("n"),
  ]);

  const search = [];
  for (const [i, shape] of SHAPES.entries()) {
    const { worker, bare } = await alternate(`${HOSTS.catalog}/api/v1/products?${shape.query}`, `${HOSTS.bare}/`);
    search.push({ label: `${shape.label} (${fmtInt(hits[i] ?? 0)} hits)`, worker, bare });
  }

  const stocked = await mf.dispatchFetch(`${HOSTS.driver}/setup?sku=${hotSku}&onHand=1000000000`);
  if (!stocked.ok) throw new Error(`setStock failed: ${stocked.status} ${await stocked.text()}`);
  await stocked.arrayBuffer();
  await callRate("bare", "warm", Math.min(500, RESERVATIONS), hotSku);
  await callRate("inventory", "warm", Math.min(500, RESERVATIONS), hotSku);
  const rates = { inventory: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (["inventory", "bare"] as const) : (["bare", "inventory"] as const);
    for (const target of order) rates[target].push(await callRate(target, String(round), RESERVATIONS, hotSku));
  }

  const width = Math.max(...search.map((row) => row.label.length)) + 4;
  console.log(
    `\nsearch (${fmtInt(PRODUCTS)} products; n sequential requests per shape, each followed or preceded by one to the bare Worker)`,
  );
  console.log(
    `  ${"".padEnd(width)}${["n", "p50", "p99", "bare p50", "bare p99", "ratio p50", "ratio p99"].map((h) => h.padStart(10)).join("")}`,
  );
  for (const { label, worker, bare } of search) {
    const cells = [
      String(worker.n),
      fmtMs(worker.p50),
      fmtMs(worker.p99),
      fmtMs(bare.p50),
      fmtMs(bare.p99),
      ratio(worker.p50, bare.p50),
      ratio(worker.p99, bare.p99),
    ];
    console.log(`  ${label.padEnd(width)}${cells.map((cell) => cell.padStart(10)).join("")}`);
  }
  const inventory = median(rates.inventory);
  const bare = median(rates.bare);
  console.log(
    `\nhot SKU reservations (${fmtInt(RESERVATIONS)} calls, ${CONCURRENCY} concurrent, one stub, median of ${ROUNDS} rounds, timed inside workerd)`,
  );
  console.log(
    `  Inventory.reserve ${fmtInt(inventory)} ops/s   bare DO call ${fmtInt(bare)} ops/s   ratio (bare / reserve) ${ratio(bare, inventory)}`,
  );
  console.log(
    `  rounds: reserve ${rates.inventory.map(fmtInt).join(", ")}; bare ${rates.bare.map(fmtInt).join(", ")} ops/s`,
  );
} finally {
  await mf.dispose();
}

/**
 * Sequential requests to a Worker and to the bare Worker, interleaved (order flipped every pair) so noise hits both;
 * REQUESTS pairs after a warm-up, or fewer when BENCH_SECONDS runs out first.
 */
async function alternate(url: string, bareUrl: string) {
  const worker = { url, ms: [] as number[] };
  const bare = { url: bareUrl, ms: [] as number[] };
  const deadline = performance.now() + SECONDS_PER_SHAPE * 1000;
  for (let i = 0; i < WARMUP + REQUESTS && (i < WARMUP + 10 || performance.now() < deadline); i++) {
    for (const target of i % 2 === 0 ? [worker, bare] : [bare, worker]) {
      const started = performance.now();
      const response = await mf.dispatchFetch(target.url);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${target.url} answered ${response.status}`);
      if (i >= WARMUP) target.ms.push(performance.now() - started);
    }
  }
  const summary = ({ ms }: { ms: number[] }) => ({ n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99) });
  return { worker: summary(worker), bare: summary(bare) };
}

/** Calls per second of `n` Durable Object calls on one stub, `CONCURRENCY` at a time, timed by the driver inside workerd. */
async function callRate(target: "inventory" | "bare", round: string, n: number, sku: string): Promise<number> {
  const response = await mf.dispatchFetch(
    `${HOSTS.driver}/run?target=${target}&n=${n}&c=${CONCURRENCY}&round=${round}&sku=${sku}`,
  );
  if (!response.ok) throw new Error(`driver answered ${response.status}: ${await response.text()}`);
  const { ms, failed } = (await response.json()) as { ms: number; failed: number };
  if (failed > 0) throw new Error(`${failed} of ${n} ${target} calls failed`);
  return (n / ms) * 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function fmtMs(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(a / b < 10 ? 1 : 0)}x`;
}
