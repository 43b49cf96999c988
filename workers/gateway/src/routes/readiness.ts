import type { Context } from "hono";
import type { Service } from "#lib/contracts/api/route.ts";
import { type Readiness, type ReadyCheck, type ReadyRpc, rpc } from "#lib/contracts/rpc.ts";
import { problem } from "#lib/http/problem.ts";
import { probe } from "#lib/http/ready.ts";

/** How long the gateway waits for each Worker's `ready()`; they run in parallel, so this bounds the whole answer. */
const WORKER_TIMEOUT_MS = 2_000;

const WORKERS = [
  "AUTH",
  "USERS",
  "VENDORS",
  "CATALOG",
  "ORDERS",
  "PAYMENTS",
  "SHIPPING",
  "NOTIFICATIONS",
  "REVIEWS",
] as const satisfies readonly Service[];

/** One Worker as /readyz reports it: the call itself, and the Worker's own checks when it answered. */
type WorkerCheck = ReadyCheck & { checks?: Readiness["checks"] };

async function checkWorker(binding: Fetcher, service: Service): Promise<WorkerCheck> {
  let answer: Readiness | undefined;
  const call = await probe(
    "gateway",
    service.toLowerCase(),
    async () => {
      answer = await rpc<ReadyRpc>(binding).ready();
    },
    WORKER_TIMEOUT_MS,
  );
  if (!call.ok || !answer) return call;
  return { ok: answer.ok, ms: call.ms, checks: answer.checks };
}

/** What failed, by name only: `users (db)`, or `catalog (timeout)` when the Worker did not answer. */
function failures(checks: Record<string, WorkerCheck>): string[] {
  return Object.entries(checks)
    .filter(([, check]) => !check.ok)
    .map(([name, check]) => {
      const failed = Object.entries(check.checks ?? {}).filter(([, c]) => !c.ok);
      return `${name} (${failed.length ? failed.map(([dep]) => dep).join(", ") : check.error})`;
    });
}

/**
 * GET /readyz: every domain Worker asked over RPC whether its own bindings
 * answer. Anonymous like /healthz, never cached; it names Workers and checks,
 * never an error message.
 */
export async function readyz(c: Context<{ Bindings: Env }>): Promise<Response> {
  const results = await Promise.all(
    WORKERS.map(async (service) => [service.toLowerCase(), await checkWorker(c.env[service], service)] as const),
  );
  const checks = Object.fromEntries(results);
  c.header("cache-control", "no-store");
  const failed = failures(checks);
  if (!failed.length) return c.json({ status: "ready", checks }, 200);
  return problem(c, 503, `Not ready: ${failed.join("; ")}.`, {
    headers: { "cache-control": "no-store", "retry-after": "5" },
    members: { checks },
  });
}
