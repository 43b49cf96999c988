import { EmailVerificationRequested, PasswordResetRequested, UserRegistered } from "#lib/contracts/events/auth.ts";
import { sha256Hex } from "#lib/crypto.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify } from "../services/notify.ts";
import type { ConsumerContext } from "./context.ts";

/** Account mail goes to the address the event names: the profile may not exist yet. */
export function userConsumers({ t }: ConsumerContext): Consumer[] {
  const registered: Consumer<typeof UserRegistered> = {
    event: UserRegistered,
    effect: ({ data }, db) => notify(db, data, t.welcome(data.userId, data.name)),
  };
  // Keyed by the token's hash: each link asked for is one email, and the key holds no secret.
  const verification: Consumer<typeof EmailVerificationRequested> = {
    event: EmailVerificationRequested,
    effect: async ({ data }, db) =>
      notify(db, data, t.emailVerification(await sha256Hex(data.token), data.name, data.token, data.expiresAt)),
  };
  const reset: Consumer<typeof PasswordResetRequested> = {
    event: PasswordResetRequested,
    effect: async ({ data }, db) =>
      notify(db, data, t.passwordReset(await sha256Hex(data.token), data.name, data.token, data.expiresAt)),
  };
  return [registered, verification, reset];
}
