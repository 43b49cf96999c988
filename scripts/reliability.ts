// `npm run test:reliability`: the reliability suite (test/reliability/) against the whole marketplace under
// `wrangler dev`. Runs vitest with its own config and a JSON report (reports/reliability.json), then prints what the
// suite tried and ends with "N passed, N failed". Extra arguments go to vitest (a file name, `-t <pattern>`).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { ROOT } from "./workers.ts";

const report = `${ROOT}reports/reliability.json`;
const journal = `${ROOT}reports/reliability-journal.log`;
rmSync(report, { force: true });

const started = Date.now();
const args = [
  "run",
  "-c",
  "test/reliability/vitest.config.ts",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${report}`,
];
const code = await new Promise<number>((resolve) => {
  const child = spawn(`${ROOT}node_modules/.bin/vitest`, [...args, ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: "inherit",
    // node:sqlite reads the local state; its "experimental" warning is noise here.
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --disable-warning=ExperimentalWarning`.trim(),
    },
  });
  child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
});

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; duration?: number }[];
  }[];
}

console.log("\nWhat the reliability suite tried:");
if (existsSync(journal)) {
  let current = "";
  for (const line of readFileSync(journal, "utf8").split("\n").filter(Boolean)) {
    const match = /^\[(.*?)\] (.*)$/.exec(line);
    const [test, text] = match ? [match[1] ?? "", match[2] ?? ""] : ["", line];
    if (test !== current) console.log(`  ${test}`);
    current = test;
    console.log(`    - ${text}`);
  }
}

if (!existsSync(report)) {
  console.log(`vitest wrote no report (exit ${code}) after ${Math.round((Date.now() - started) / 1000)} s`);
  console.log("0 passed, 1 failed");
  process.exit(code || 1);
}
const result = JSON.parse(readFileSync(report, "utf8")) as Report;
const failed = result.testResults.flatMap((file) =>
  file.assertionResults.filter((t) => t.status === "failed").map((t) => t.fullName),
);
// A file that failed before any test ran (a broken import, a failing beforeAll) counts as one failure.
const brokenFiles = result.testResults.filter(
  (file) => file.status === "failed" && !file.assertionResults.some((t) => t.status === "failed"),
);
failed.push(
  ...brokenFiles.map((file) => `${file.name.replace(ROOT, "")}: ${file.message?.split("\n")[0] ?? "failed"}`),
);
if (failed.length) {
  console.log("\nFailed:");
  for (const name of failed) console.log(`  ✗ ${name}`);
}
console.log(
  `\nreports/reliability.json written; the wrangler dev output is in reports/reliability-wrangler.log; ${Math.round((Date.now() - started) / 1000)} s in all`,
);
console.log(`${result.numPassedTests} passed, ${failed.length} failed`);
process.exit(code || (failed.length > 0 ? 1 : 0));
