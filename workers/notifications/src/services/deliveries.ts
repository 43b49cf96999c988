import { and, asc, eq, lte, min } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { log } from "#lib/http/log.ts";
import { deliveries } from "../db/schema.ts";
import type { EmailSender } from "./email.ts";

/** Attempts before a delivery is given up as `failed` (its last error stays on the row). */
export const MAX_ATTEMPTS = 10;
const MAX_DELAY_SECONDS = 3600;

export function retryDelayMs(attempts: number, baseSeconds: string | undefined): number {
  const parsed = baseSeconds?.trim() ? Number(baseSeconds) : Number.NaN;
  const base = Number.isFinite(parsed) && parsed >= 0 ? parsed : 30;
  return Math.min(base * 2 ** Math.max(attempts - 1, 0), MAX_DELAY_SECONDS) * 1000;
}

export interface SendOptions {
  sender: EmailSender;
  from: string;
  retryBaseSeconds?: string;
  limit?: number;
}

/**
 * Sends every pending delivery that is due, each with its row id as the
 * Idempotency-Key (the same on every attempt, so two senders racing, or a resend
 * after a crash, reach the inbox once). A failure waits with backoff.
 * Answers when the next pending delivery is due, or null when none is left.
 */
export async function sendDue(db: DrizzleD1Database, opts: SendOptions): Promise<number | null> {
  const now = Date.now();
  const due = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.status, "pending"), lte(deliveries.nextAttemptAt, now)))
    .orderBy(asc(deliveries.nextAttemptAt))
    .limit(opts.limit ?? 50);
  await Promise.all(due.map((row) => sendOne(db, row, opts)));
  const [next] = await db
    .select({ at: min(deliveries.nextAttemptAt) })
    .from(deliveries)
    .where(eq(deliveries.status, "pending"));
  return next?.at ?? null;
}

async function sendOne(db: DrizzleD1Database, row: typeof deliveries.$inferSelect, opts: SendOptions) {
  const pending = and(eq(deliveries.id, row.id), eq(deliveries.status, "pending"));
  try {
    await opts.sender.send({
      to: row.to,
      from: opts.from,
      subject: row.subject,
      text: row.text ?? "",
      html: row.html ?? "",
      idempotencyKey: row.id,
    });
    // Sent: the content goes (a verification or reset link is a secret); the inbox item keeps what the user reads.
    await db
      .update(deliveries)
      .set({ status: "sent", sentAt: Date.now(), attempts: row.attempts + 1, lastError: null, text: null, html: null })
      .where(pending);
  } catch (error) {
    const attempts = row.attempts + 1;
    const gaveUp = attempts >= MAX_ATTEMPTS;
    log(gaveUp ? "error" : "warn", "notifications", {
      msg: gaveUp ? "email delivery failed for good" : "email delivery failed, retrying",
      deliveryId: row.id,
      kind: row.kind,
      attempts,
      error: String(error),
    });
    await db
      .update(deliveries)
      .set({
        attempts,
        lastError: String(error).slice(0, 500),
        status: gaveUp ? "failed" : "pending",
        nextAttemptAt: Date.now() + retryDelayMs(attempts, opts.retryBaseSeconds),
      })
      .where(pending);
  }
}
