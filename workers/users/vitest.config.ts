import { workerProject } from "../../vitest.worker.ts";

// A stand-in auth for a first read of a profile before user.registered: every id is an account,
// except usr_unknown… (none) and usr_authdown… (auth unreachable).
const auth = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  account(id) {
    if (id.startsWith("usr_unknown")) return null;
    if (id.startsWith("usr_authdown")) throw new Error("auth is down");
    return { id, email: id + "@auth.example.com", name: "Grace from auth", createdAt: "2026-01-01T00:00:00.000Z" };
  }
}`;

export default workerProject("users", { workers: [{ name: "auth", modules: true, script: auth }] });
