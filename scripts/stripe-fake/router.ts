// A tiny typed router: `route("POST", "/v1/payment_intents/:id/confirm", (c) => …)` gives the handler `c.path.id`.
import type { EventLog, EventOrigin } from "./events.ts";
import type { Faults } from "./faults.ts";
import type { Params } from "./params.ts";
import type { Store } from "./state.ts";
import type { WebhookSender } from "./webhooks.ts";

/** The whole fake, as handlers see it. */
export interface Fake {
  readonly store: Store;
  readonly events: EventLog;
  readonly webhooks: WebhookSender;
  readonly faults: Faults;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl: string;
  reset(): void;
}

export interface Context<P = Record<string, string>> {
  fake: Fake;
  path: P;
  /** Form parameters (POST body, or the query string of a GET), parsed by qs. */
  params: Params;
  query: URLSearchParams;
  /** The raw request body (JSON for the `/_fake/` controls). */
  body: string;
  origin: EventOrigin;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

export interface Route {
  method: string;
  segments: string[];
  handle(c: Context): Reply | Promise<Reply>;
}

export function route<P extends string>(
  method: "GET" | "POST" | "DELETE",
  path: P,
  handle: (c: Context<PathParams<P>>) => Reply | Promise<Reply>,
): Route {
  return { method, segments: path.split("/").filter(Boolean), handle };
}

export const ok = (body: unknown): Reply => ({ status: 200, body });

/** The route for a request and its path parameters. */
export function match(
  routes: readonly Route[],
  method: string,
  pathname: string,
): { route: Route; path: Record<string, string> } | undefined {
  const segments = pathname.split("/").filter(Boolean);
  for (const candidate of routes) {
    if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
    const path: Record<string, string> = {};
    const fits = candidate.segments.every((segment, i) => {
      const actual = segments[i] ?? "";
      if (!segment.startsWith(":")) return segment === actual;
      try {
        path[segment.slice(1)] = decodeURIComponent(actual);
        return true;
      } catch {
        return false;
      }
    });
    if (fits) return { route: candidate, path };
  }
  return undefined;
}
