// The marketplace as it runs locally: every Worker in one `wrangler dev` process (as `npm run dev` starts it), on a
// state folder of its own, in a process group of its own so a crash can take every process down at once.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  createWriteStream,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type WriteStream,
} from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { ROOT, workers } from "../../scripts/workers.ts";

export interface SystemOptions {
  /** `--persist-to`: D1, Durable Objects and R2 live here across restarts. */
  stateDir: string;
  /** Where wrangler looks for its dev registry and settings, so it never meets another engineer's `wrangler dev`. */
  configHome: string;
  port: number;
  inspectorPort: number;
  /** The secrets `.dev.vars` would hold, given through the environment (wrangler reads a Worker's required secrets from it). */
  secrets: Record<string, string>;
  /** wrangler's and workerd's output, appended across restarts. */
  logFile: string;
  /** The wrangler configs to run together; the first gets the port. Default: every Worker of the marketplace, gateway first. */
  configs?: string[];
  /** What answers 200 once it is up. Default `/healthz`. */
  healthPath?: string;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });

/** Environment of every wrangler command of the suite. */
export function wranglerEnv(
  opts: Pick<SystemOptions, "configHome">,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${ROOT}node_modules/.bin:${process.env.PATH ?? ""}`,
    XDG_CONFIG_HOME: opts.configHome,
    WRANGLER_SEND_METRICS: "false",
    ...extra,
  };
}

/** `scripts/db-migrate.ts --persist-to`: the same migrations `npm run dev` applies, into the suite's state folder. */
export function migrate(opts: Pick<SystemOptions, "configHome" | "stateDir">): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      `${ROOT}node_modules/.bin/node`,
      [`${ROOT}scripts/db-migrate.ts`, "--persist-to", opts.stateDir],
      {
        cwd: ROOT,
        env: wranglerEnv(opts),
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`db-migrate exited with ${code}`))));
  });
}

/**
 * A freshly migrated state folder. Applying six databases' migrations starts wrangler six times (20–70 s on this
 * machine), so the result is kept as a template under the OS temp folder, keyed by the migrations, the wrangler
 * configs and wrangler's version, and copied for the next run. Returns whether the template was reused.
 */
export async function migratedState(
  opts: Pick<SystemOptions, "configHome" | "stateDir">,
): Promise<{ cached: boolean; template: string }> {
  const hash = createHash("sha256");
  hash.update(readFileSync(`${ROOT}node_modules/wrangler/package.json`));
  for (const w of workers()) hash.update(readFileSync(w.config));
  for (const domain of readdirSync(`${ROOT}migrations`).sort()) {
    for (const file of readdirSync(`${ROOT}migrations/${domain}`)
      .filter((f) => f.endsWith(".sql"))
      .sort()) {
      hash.update(`${domain}/${file}`).update(readFileSync(`${ROOT}migrations/${domain}/${file}`));
    }
  }
  const template = `${tmpdir()}/marketplace-reliability-migrated-${hash.digest("hex").slice(0, 16)}`;
  if (existsSync(`${template}/v3`)) {
    cpSync(template, opts.stateDir, { recursive: true });
    return { cached: true, template };
  }
  await migrate(opts);
  const partial = `${template}.${process.pid}`;
  cpSync(opts.stateDir, partial, { recursive: true });
  try {
    renameSync(partial, template);
  } catch {
    rmSync(partial, { recursive: true, force: true });
  }
  return { cached: false, template };
}

export class System {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private log: WriteStream;
  starts = 0;

  readonly opts: SystemOptions;

  constructor(opts: SystemOptions) {
    this.opts = opts;
    this.url = `http://127.0.0.1:${opts.port}`;
    this.log = createWriteStream(opts.logFile, { flags: "a" });
  }

  /** Starts `wrangler dev -c wrangler.toml -c workers/<each>/wrangler.toml …` and waits until the gateway answers. */
  async start(): Promise<number> {
    const started = Date.now();
    const configs = (this.opts.configs ?? workers().map((w) => w.config)).flatMap((config) => ["-c", config]);
    const args = [
      "dev",
      ...configs,
      "--port",
      String(this.opts.port),
      "--ip",
      "127.0.0.1",
      "--inspector-port",
      String(this.opts.inspectorPort),
    ];
    args.push("--persist-to", this.opts.stateDir, "--show-interactive-dev-session=false", "--var", "LOG_LEVEL:warn");
    this.log.write(`\n==== start ${++this.starts}: wrangler ${args.join(" ")}\n`);
    const child = spawn(`${ROOT}node_modules/.bin/wrangler`, args, {
      cwd: ROOT,
      // Its own process group: a crash kills wrangler, esbuild and every workerd together.
      detached: true,
      env: wranglerEnv(this.opts, { ...this.opts.secrets, LOG_LEVEL: "warn" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    await this.waitHealthy(90_000);
    return Date.now() - started;
  }

  /** Every process of the running system (the process group wrangler leads). */
  processes(): { pid: number; command: string }[] {
    const pgid = this.child?.pid;
    if (!pgid) return [];
    let out = "";
    try {
      out = execFileSync("ps", ["-o", "pid=,comm=", "-g", String(pgid)], { encoding: "utf8" });
    } catch {
      return [];
    }
    return out
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((line) => {
        const [pid = "", ...command] = line.trim().split(/\s+/);
        return { pid: Number(pid), command: command.join(" ") };
      });
  }

  /** SIGKILL to the whole process group at once, as when the machine dies: no handler runs, nothing is flushed. */
  async crash(): Promise<{ pid: number; command: string }[]> {
    const pgid = this.child?.pid;
    if (!pgid) throw new Error("the system is not running");
    const victims = this.processes();
    this.log.write(
      `\n==== crash: SIGKILL to process group ${pgid}: ${victims.map((v) => `${v.pid} ${v.command}`).join(", ")}\n`,
    );
    process.kill(-pgid, "SIGKILL");
    await this.exited;
    // workerd children are reaped by init; wait until none of the group is left and the port is free.
    for (
      let i = 0;
      i < 100 && (this.processes().some((p) => !p.command.includes("defunct")) || (await listening(this.opts.port)));
      i++
    ) {
      await sleep(100);
    }
    this.child = undefined;
    // A session that exits cleanly removes its dev-registry entries; a killed one leaves them behind, and the next
    // session does not replace them, so other sessions (the queue tap) would go on calling the dead one.
    for (const name of this.workerNames())
      rmSync(`${this.opts.configHome}/.wrangler/registry/${name}`, { force: true });
    return victims;
  }

  /** The `name` of each Worker this session runs. */
  private workerNames(): string[] {
    return (this.opts.configs ?? workers().map((w) => w.config)).flatMap(
      (config) => /^name\s*=\s*"([^"]+)"/m.exec(readFileSync(config, "utf8"))?.[1] ?? [],
    );
  }

  async stop(): Promise<void> {
    const pgid = this.child?.pid;
    if (!pgid) return;
    try {
      process.kill(-pgid, "SIGTERM");
    } catch {
      return;
    }
    const stopped = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!stopped) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // already gone
      }
      await this.exited;
    }
    this.child = undefined;
  }

  private async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child?.exitCode !== null)
        throw new Error(`wrangler dev exited with ${this.child?.exitCode}; see ${this.opts.logFile}`);
      try {
        if (
          (await fetch(`${this.url}${this.opts.healthPath ?? "/healthz"}`, { signal: AbortSignal.timeout(5_000) })).ok
        )
          return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`the gateway did not answer on ${this.url} within ${timeoutMs / 1000} s; see ${this.opts.logFile}`);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.connect(port, "127.0.0.1");
  });
}

/** Blocks the thread: only for the short waits of a synchronous SQLite read that met a lock. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
