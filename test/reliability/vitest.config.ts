import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** The scenarios in priority order; crashes restart the system, so they come last. */
const ORDER = ["concurrency", "faults", "events", "crashes"];
const rank = (spec: TestSpecification) => ORDER.findIndex((name) => spec.moduleId.endsWith(`/${name}.test.ts`));

class ScenarioOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

// The reliability suite: the whole marketplace under `wrangler dev`, attacked over HTTP from Node. Not one of the root
// config's projects (npm test); `npm run test:reliability` runs it.
export default defineConfig({
  test: {
    name: "reliability",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.test.ts"],
    environment: "node",
    globalSetup: ["./global-setup.ts"],
    // One system for every scenario, and crashes take it down: one file at a time, in order.
    fileParallelism: false,
    sequence: { sequencer: ScenarioOrder },
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
