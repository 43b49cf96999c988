import { workerProject } from "../../vitest.worker.ts";

// A stand-in catalog: every SKU reserves and commits, except `sku_gone` (never in stock) and `sku_lapsed` (its hold lapses before commit).
const catalog = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  reserve(sku) { return sku === "sku_gone" ? { ok: false, reason: "insufficient_stock" } : { ok: true }; }
  commit(sku) { return sku === "sku_lapsed" ? { ok: false, reason: "hold_finished", state: "expired" } : { ok: true, state: "committed" }; }
  release() { return { ok: true, state: "released" }; }
  restock() { return { ok: true, state: "returned" }; }
}`;

// The Order object does not call payments; checkout does, and the system tests cover it with the real Worker.
const payments = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {}`;

export default workerProject("orders", {
  workers: [
    { name: "catalog", modules: true, script: catalog },
    { name: "payments", modules: true, script: payments },
  ],
});
