import { and, eq, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { log, setLogLevel } from "#lib/http/log.ts";
import { retryDelaySeconds } from "#lib/queue/retry.ts";
import { WEBHOOK_TIMEOUT_MS, webhookConfig } from "./config.ts";
import { sweep, type WebhookMessage } from "./dispatch.ts";
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from "./schema.ts";
import { signatureHeader, unsealSecret } from "./signing.ts";

const ERROR_CHARS = 500;
/** A message whose handling itself failed (D1 down) comes back after this long. */
const HANDLER_RETRY_SECONDS = 30;

/** The vendor-webhooks queue: each message on its own; never throws (that would resend the whole batch). */
export async function deliverWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  setLogLevel(env.LOG_LEVEL);
  const db = drizzle(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        await handle(message, env, db);
      } catch (error) {
        log("error", "notifications", { msg: "webhook message failed", messageId: message.id, error: String(error) });
        message.retry({ delaySeconds: HANDLER_RETRY_SECONDS });
      }
    }),
  );
}

async function handle(message: Message<unknown>, env: Env, db: DrizzleD1Database): Promise<void> {
  const body = message.body as Partial<WebhookMessage> | null;
  if (body && "sweep" in body) {
    await sweep(env, db);
    return message.ack();
  }
  const deliveryId = body && "deliveryId" in body ? body.deliveryId : undefined;
  const round = body && "round" in body ? body.round : undefined;
  const [row] = deliveryId
    ? await db
        .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints })
        .from(webhookDeliveries)
        .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
        .where(eq(webhookDeliveries.id, deliveryId))
    : [];
  // Done already, redelivered since (a newer round has its own message), or gone with its endpoint.
  if (row?.delivery.status !== "pending" || row.delivery.round !== round) return message.ack();
  const { delivery, endpoint } = row;
  const thisRound = and(eq(webhookDeliveries.id, delivery.id), eq(webhookDeliveries.round, delivery.round));
  if (!endpoint?.active) {
    await db
      .update(webhookDeliveries)
      .set({ status: "failed", lastError: "The endpoint is disabled.", nextAttemptAt: null })
      .where(thisRound);
    return message.ack();
  }

  const config = webhookConfig(env);
  const attempt = delivery.attemptCount + 1;
  const roundAttempt = delivery.roundAttempts + 1;
  const secret = await unsealSecret(env.WEBHOOK_SECRET_KEY, endpoint.secretSealed);
  const at = new Date();
  const result = await post(endpoint.url, delivery.payload, secret, delivery.id);
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const retry = !ok && roundAttempt < config.maxAttempts;
  const delaySeconds = retry ? retryDelaySeconds(roundAttempt, env.WEBHOOK_RETRY_BASE_SECONDS) : 0;
  const nextRetryAt = retry ? new Date(at.getTime() + delaySeconds * 1000).toISOString() : null;
  const streak = ok ? 0 : endpoint.failureStreak + (retry ? 0 : 1);
  const disable = streak >= config.disableAfterFailures;

  await db.batch([
    db.insert(webhookAttempts).values({
      deliveryId: delivery.id,
      attempt,
      at: at.toISOString(),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error,
      nextRetryAt,
    }),
    db
      .update(webhookDeliveries)
      .set({
        status: ok ? "delivered" : retry ? "pending" : "failed",
        attemptCount: attempt,
        roundAttempts: roundAttempt,
        lastStatusCode: result.statusCode,
        lastError: result.error,
        nextAttemptAt: nextRetryAt,
        deliveredAt: ok ? at.toISOString() : null,
        // The message comes back on its own after the delay; the lease covers that wait.
        dueAt: retry ? at.getTime() + delaySeconds * 1000 : delivery.dueAt,
      })
      .where(thisRound),
    db
      .update(webhookEndpoints)
      .set({
        failureStreak: ok ? 0 : retry ? endpoint.failureStreak : sql`${webhookEndpoints.failureStreak} + 1`,
        ...(disable
          ? {
              active: false,
              disabledReason: `Disabled after ${streak} deliveries in a row failed.`,
              updatedAt: at.toISOString(),
            }
          : {}),
      })
      .where(eq(webhookEndpoints.id, endpoint.id)),
  ]);
  // A receiver that is down is the vendor's concern: only giving up on a delivery is a warning.
  log(ok || retry ? "info" : "warn", "notifications", {
    route: "queue vendor-webhooks",
    deliveryId: delivery.id,
    attempt,
    status: result.statusCode,
    ms: result.durationMs,
    outcome: ok ? "delivered" : retry ? "retrying" : "failed",
  });
  if (retry) message.retry({ delaySeconds });
  else message.ack();
}

type Outcome = { statusCode: number | null; durationMs: number; error: string | null };

/** One signed POST: no redirect followed, at most WEBHOOK_TIMEOUT_MS; a non-2xx answer's body start is kept as the error. */
async function post(url: string, body: string, secret: string, deliveryId: string): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      headers: {
        "content-type": "application/json",
        "user-agent": "Marketplace-Webhooks/1.0",
        "marketplace-signature": await signatureHeader(secret, body),
        "marketplace-delivery": deliveryId,
      },
      body,
    });
    const ok = res.status >= 200 && res.status < 300;
    const error = ok ? null : await errorOf(res);
    if (ok) await res.body?.cancel();
    return { statusCode: res.status, durationMs: Date.now() - started, error };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    const text = timedOut ? `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s.` : String(error);
    return { statusCode: null, durationMs: Date.now() - started, error: text.slice(0, ERROR_CHARS) };
  }
}

/** The answer's status and the start of its body (only the first chunk is read). */
async function errorOf(res: Response): Promise<string> {
  const location = res.headers.get("location");
  if (res.status >= 300 && res.status < 400)
    return `HTTP ${res.status}: redirect${location ? ` to ${location}` : ""} not followed.`.slice(0, ERROR_CHARS);
  const reader = res.body?.getReader();
  const chunk = reader ? await reader.read() : undefined;
  await reader?.cancel();
  const start = chunk?.value ? new TextDecoder().decode(chunk.value.slice(0, ERROR_CHARS)) : "";
  return `HTTP ${res.status}${start ? `: ${start}` : ""}`.slice(0, ERROR_CHARS);
}
