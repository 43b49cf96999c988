import { seal as sealFor, unseal as unsealFor } from "#lib/crypto.ts";

/** Private signing keys rest in D1 sealed with AES-GCM under a key derived from the KEY_ENCRYPTION_SECRET binding. */
const PURPOSE = "auth signing key v1";

export function seal(secret: string, plaintext: string): Promise<string> {
  return sealFor(secret, plaintext, PURPOSE);
}

export function unseal(secret: string, sealed: string): Promise<string> {
  return unsealFor(secret, sealed, PURPOSE);
}
