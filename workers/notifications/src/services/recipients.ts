import { type AuthRpc, rpc, type UsersRpc, type VendorsRpc } from "#lib/contracts/rpc.ts";

/** Who a notification is for, with the address its email goes to. */
export interface Recipient {
  userId: string;
  email: string;
  name: string;
}

export type RecipientEnv = Pick<Env, "AUTH" | "USERS" | "VENDORS">;

/** The user's profile; a user users does not know yet is retried (throwing retries only this message). */
export async function userRecipient(env: RecipientEnv, userId: string): Promise<Recipient> {
  const profile = await rpc<UsersRpc>(env.USERS).profile(userId);
  if (!profile) throw new Error(`no profile of ${userId} yet`);
  return { userId: profile.id, email: profile.email, name: profile.name };
}

export async function vendorOf(env: RecipientEnv, vendorId: string) {
  const vendor = await rpc<VendorsRpc>(env.VENDORS).vendor(vendorId);
  if (!vendor) throw new Error(`no vendor ${vendorId}`);
  return vendor;
}

/** Store names for a receipt; a store vendors cannot name shows its id. */
export async function vendorNames(env: RecipientEnv, vendorIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(vendorIds)];
  const vendors = await Promise.all(unique.map((id) => rpc<VendorsRpc>(env.VENDORS).vendor(id)));
  return new Map(vendors.flatMap((v) => (v ? [[v.id, v.name] as const] : [])));
}

export async function adminRecipients(env: RecipientEnv): Promise<Recipient[]> {
  const admins = await rpc<AuthRpc>(env.AUTH).admins();
  return admins.map((a) => ({ userId: a.id, email: a.email, name: a.name }));
}
