import { createServer } from "node:net";
import { mergeConfig } from "vitest/config";
import { workerProject } from "../../vitest.worker.ts";

// Stand-ins for the Workers that name recipients: every user has a profile `<id>@example.test` (except ids
// starting usr_unknown), every store `ven_x` is owned by `usr_owner_ven_x`, and there are two admins.
const users = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  profile(id) { return id.startsWith("usr_unknown") ? null : { id, email: id + "@example.test", name: "Name of " + id }; }
}`;
const vendors = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  vendor(id) { return { id, name: "Store " + id, slug: id, status: "approved", commissionBps: 1000, ownerUserId: "usr_owner_" + id }; }
}`;
const auth = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  admins() { return ["usr_admin1", "usr_admin2"].map((id) => ({ id, email: id + "@example.test", name: id, createdAt: "" })); }
}`;

/** A free port for the mailbox the tests' emails go to (started by scripts/mailbox/global-setup.ts in this process). */
const port = await new Promise<number>((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const address = probe.address();
    probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
  });
});
process.env.NOTIFICATIONS_TEST_MAILBOX_PORT = String(port);

const project = workerProject("notifications", {
  bindings: {
    EMAIL_API_URL: `http://127.0.0.1:${port}`,
    EMAIL_API_KEY: "mailbox_test",
    PUBLIC_URL: "https://shop.example.test",
    EMAIL_RETRY_BASE_SECONDS: "0",
    QUEUE_RETRY_BASE_SECONDS: "0",
    // Small limits a test can reach; retries 1 s, 2 s, … so a failing receiver is given up on in seconds.
    WEBHOOK_SECRET_KEY: crypto.randomUUID(),
    // Production's URL rules, whatever a developer's .dev.vars (written by npm run dev) allows.
    ALLOW_LOCAL_WEBHOOK_URLS: "false",
    WEBHOOK_MAX_ENDPOINTS: "3",
    WEBHOOK_MAX_ATTEMPTS: "3",
    WEBHOOK_RETRY_BASE_SECONDS: "1",
  },
  workers: [
    { name: "users", modules: true, script: users },
    { name: "vendors", modules: true, script: vendors },
    { name: "auth", modules: true, script: auth },
  ],
});

export default mergeConfig(await project({ command: "serve", mode: "test" }), {
  test: { globalSetup: ["../../scripts/mailbox/global-setup.ts"] },
});
