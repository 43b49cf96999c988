import { z } from "zod";
import { defineEvent } from "./envelope.ts";

export const UserRegistered = defineEvent(
  "user.registered",
  1,
  z.object({ userId: z.string(), email: z.string(), name: z.string() }),
);

/**
 * A link to prove the account's email (at registration, or asked for again).
 * The token travels only to the notifications Worker, which mails it; auth keeps its hash.
 */
export const EmailVerificationRequested = defineEvent(
  "user.email_verification_requested",
  1,
  z.object({ userId: z.string(), email: z.string(), name: z.string(), token: z.string(), expiresAt: z.string() }),
);

/** A password reset was asked for an account that exists (the route answers the same either way). */
export const PasswordResetRequested = defineEvent(
  "user.password_reset_requested",
  1,
  z.object({ userId: z.string(), email: z.string(), name: z.string(), token: z.string(), expiresAt: z.string() }),
);
