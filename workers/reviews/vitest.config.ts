import { workerProject } from "../../vitest.worker.ts";

// Stand-ins: catalog knows two products (prd_a of ven_a, prd_b of ven_b); orders says who received what.
const catalog = `import { WorkerEntrypoint } from "cloudflare:workers";
const PRODUCTS = { prd_a: "ven_a", prd_b: "ven_b" };
export default class extends WorkerEntrypoint {
  product(id) { return PRODUCTS[id] ? { id, vendorId: PRODUCTS[id], title: id } : null; }
}`;

const orders = `import { WorkerEntrypoint } from "cloudflare:workers";
const DELIVERED = new Set(["usr_buyer:prd_a", "usr_buyer:prd_b", "usr_other:prd_a", "usr_third:prd_a"]);
export default class extends WorkerEntrypoint {
  hasPurchased(userId, productId) { return DELIVERED.has(userId + ":" + productId); }
}`;

const users = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  profile(id) { return { id, email: id + "@example.com", name: "Name of " + id }; }
}`;

export default workerProject("reviews", {
  workers: [
    { name: "catalog", modules: true, script: catalog },
    { name: "orders", modules: true, script: orders },
    { name: "users", modules: true, script: users },
  ],
});
