import { UserRegistered } from "#lib/contracts/events/auth.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { profiles } from "../db/schema.ts";
import { newProfile } from "../services/profiles.ts";

/**
 * Creates the profile of a new account, unless a first read of it already did
 * (from auth's account, as new as this event or newer): insert or ignore.
 */
export const onUserRegistered: Consumer<typeof UserRegistered> = {
  event: UserRegistered,
  effect(event, db) {
    const { userId, email, name } = event.data;
    const row = newProfile({ id: userId, email, name, createdAt: event.occurredAt });
    return [db.insert(profiles).values(row).onConflictDoNothing()];
  },
};
