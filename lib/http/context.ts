import type { Actor } from "#lib/contracts/actor.ts";

// Variables every Worker's Hono context carries (set by the observe and actor middleware).
declare module "hono" {
  interface ContextVariableMap {
    traceId: string;
    actor: Actor | undefined;
  }
}

/** Bindings the shared middleware reads; every Worker's Env has them. */
export interface ObservedEnv {
  ANALYTICS?: AnalyticsEngineDataset;
  /** debug, info (default), warn or error. */
  LOG_LEVEL?: string;
}
