import { workerProject } from "../../vitest.worker.ts";

// The tests sign carrier webhooks with these secrets.
export default workerProject("shipping", {
  bindings: { CARRIER_WEBHOOK_SECRETS: JSON.stringify({ dhl: "carrier_test_dhl", ups: "carrier_test_ups" }) },
});
