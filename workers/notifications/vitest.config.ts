import { workerProject } from "../../vitest.worker.ts";

export default workerProject("notifications", {
  // Small limits a test can reach; retries 1 s, 2 s, … so a failing receiver is given up on in seconds.
  bindings: {
    WEBHOOK_SECRET_KEY: crypto.randomUUID(),
    WEBHOOK_MAX_ENDPOINTS: "3",
    WEBHOOK_MAX_ATTEMPTS: "3",
    WEBHOOK_RETRY_BASE_SECONDS: "1",
  },
});
