import { decodeBase64, encodeBase64 } from "hono/utils/encode";

/** Hex SHA-256 of a string (token and request fingerprints, never passwords). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Secrets at rest in D1: AES-GCM under a key derived (HKDF-SHA-256) from an env
 * secret and a purpose string, so one env secret never yields the same key for
 * two uses. The result is `<base64 iv>.<base64 ciphertext>`.
 */
async function sealingKey(secret: string, purpose: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: new TextEncoder().encode(purpose) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function seal(secret: string, plaintext: string, purpose: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await sealingKey(secret, purpose),
    new TextEncoder().encode(plaintext),
  );
  return `${encodeBase64(iv.buffer)}.${encodeBase64(sealed)}`;
}

export async function unseal(secret: string, sealed: string, purpose: string): Promise<string> {
  const [iv = "", data = ""] = sealed.split(".");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: decodeBase64(iv) },
    await sealingKey(secret, purpose),
    decodeBase64(data),
  );
  return new TextDecoder().decode(plain);
}
