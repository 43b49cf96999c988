import { UserRegistered } from "#lib/contracts/events/auth.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { profiles } from "../db/schema.ts";

/** Creates the profile of a new account. */
export const onUserRegistered: Consumer<typeof UserRegistered> = {
  event: UserRegistered,
  effect(event, db) {
    const { userId, email, name } = event.data;
    const now = new Date().toISOString();
    return [
      db.insert(profiles).values({ id: userId, email, name, createdAt: now, updatedAt: now }).onConflictDoNothing(),
    ];
  },
};
