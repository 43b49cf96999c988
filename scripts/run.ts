import { spawn } from "node:child_process";
import { ROOT } from "./workers.ts";

/** Runs a command from node_modules/.bin (or PATH), inheriting output; rejects on a non-zero exit. */
export function run(command: string, args: string[], opts: { quiet?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: opts.quiet ? ["ignore", "ignore", "inherit"] : "inherit" });
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
  });
}
