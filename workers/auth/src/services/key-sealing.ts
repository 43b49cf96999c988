import { decodeBase64, encodeBase64 } from "hono/utils/encode";

/**
 * Private signing keys rest in D1 sealed with AES-GCM under a key derived
 * (HKDF-SHA-256) from the KEY_ENCRYPTION_SECRET binding.
 */
async function sealingKey(secret: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode("auth signing key v1") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function seal(secret: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await sealingKey(secret),
    new TextEncoder().encode(plaintext),
  );
  return `${encodeBase64(iv.buffer)}.${encodeBase64(sealed)}`;
}

export async function unseal(secret: string, sealed: string): Promise<string> {
  const [iv = "", data = ""] = sealed.split(".");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: decodeBase64(iv) },
    await sealingKey(secret),
    decodeBase64(data),
  );
  return new TextDecoder().decode(plain);
}
