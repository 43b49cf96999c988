// What the suite tried, line by line (routes, burst sizes, faults, replays, kills), for the summary
// `npm run test:reliability` prints after the run.
import { appendFileSync } from "node:fs";
import { expect, inject } from "vitest";

export function tried(line: string): void {
  const test = expect.getState().currentTestName ?? "setup";
  appendFileSync(inject("journalFile"), `[${test}] ${line}\n`);
}
