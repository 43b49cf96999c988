const MAX_RETRY_DELAY_SECONDS = 300;
const DEFAULT_BASE_SECONDS = 2;

/**
 * Seconds before a failed message's next attempt: `base · 2^(attempts − 1)`,
 * at most five minutes. The base is the Worker's QUEUE_RETRY_BASE_SECONDS var
 * (2 when unset or not a number: 2, 4, 8, 16, 32 s); tests set 0, so a message
 * that keeps failing reaches its dead-letter queue in seconds, not a minute.
 */
export function retryDelaySeconds(attempts: number, baseSeconds: string | undefined): number {
  const parsed = baseSeconds?.trim() ? Number(baseSeconds) : Number.NaN;
  const base = Number.isFinite(parsed) && parsed >= 0 ? parsed : DEFAULT_BASE_SECONDS;
  return Math.min(Math.round(base * 2 ** Math.max(attempts - 1, 0)), MAX_RETRY_DELAY_SECONDS);
}
