import { and, eq, gt, isNull } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { EmailVerificationRequested } from "#lib/contracts/events/auth.ts";
import { sha256Hex } from "#lib/crypto.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { buildEvent, stageEvent } from "#lib/outbox/outbox.ts";
import { emailTokens, type users } from "../db/schema.ts";
import { randomToken } from "./tokens.ts";

export type EmailTokenPurpose = (typeof emailTokens.$inferSelect)["purpose"];

/**
 * A new link token for an account: the token to mail, and the statements that
 * retire the account's older unused links of that kind and store this one's hash.
 */
export async function newEmailToken(
  db: DrizzleD1Database,
  purpose: EmailTokenPurpose,
  userId: string,
  ttlSeconds: number,
) {
  const token = randomToken();
  const now = Date.now();
  const expiresAt = now + ttlSeconds * 1000;
  const store = db
    .insert(emailTokens)
    .values({ hash: await sha256Hex(token), purpose, userId, createdAt: now, expiresAt });
  return { token, expiresAt: new Date(expiresAt).toISOString(), retire: retire(db, purpose, userId, now), store };
}

type Mailbox = Pick<typeof users.$inferSelect, "id" | "email" | "name">;

/** The statements that mail an account a verification link: older links retired, the hash stored, the event staged. */
export async function verificationLink(db: DrizzleD1Database, user: Mailbox, ttlSeconds: number, traceId: string) {
  const link = await newEmailToken(db, "verify", user.id, ttlSeconds);
  const event = buildEvent(
    EmailVerificationRequested,
    { userId: user.id, email: user.email, name: user.name, token: link.token, expiresAt: link.expiresAt },
    { source: "auth", traceId },
  );
  return [link.retire, link.store, stageEvent(db, event)] as const;
}

/** Only the newest link of each kind works: the older unused ones count as spent. */
function retire(db: DrizzleD1Database, purpose: EmailTokenPurpose, userId: string, now: number) {
  return db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
}

/**
 * Spends a link token and answers its account. One conditional UPDATE both
 * checks and spends it, so of two requests racing with one token only one
 * changes the row; unknown, spent and expired tokens all get the same answer.
 */
export async function claimEmailToken(
  db: DrizzleD1Database,
  purpose: EmailTokenPurpose,
  token: string,
): Promise<string> {
  const now = Date.now();
  const claimed = await db
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.hash, await sha256Hex(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning({ userId: emailTokens.userId });
  const [row] = claimed;
  if (claimed.length !== 1 || !row) throw invalidToken();
  return row.userId;
}

export function invalidToken(): ProblemError {
  return new ProblemError(400, "This link is not valid: it is unknown, used or expired. Ask for a new one.", {
    type: "invalid-token",
  });
}
