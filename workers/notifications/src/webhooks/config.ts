function count(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value?.trim() && Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** The webhook settings from the Worker's vars (README: configuration). */
export function webhookConfig(env: Env) {
  return {
    allowLocalUrls: String(env.ALLOW_LOCAL_WEBHOOK_URLS) === "true",
    maxEndpoints: count(env.WEBHOOK_MAX_ENDPOINTS, 10),
    maxAttempts: count(env.WEBHOOK_MAX_ATTEMPTS, 8),
    disableAfterFailures: count(env.WEBHOOK_DISABLE_AFTER_FAILURES, 20),
  };
}

/** Each attempt waits at most this long for an answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
