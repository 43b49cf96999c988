import { decodeBase64, encodeBase64 } from "hono/utils/encode";

const encoder = new TextEncoder();
const toHex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Hex SHA-256 of a string (token and request fingerprints, never passwords). */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

const hmacKey = (secret: string, use: "sign" | "verify") =>
  crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [use]);

/** Hex HMAC-SHA256 of a message: the webhook signatures (Stripe's scheme) this marketplace sends and checks. */
export async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), encoder.encode(message)));
}

/** Whether `hex` is the HMAC-SHA256 of the message; Web Crypto's verify compares in constant time. */
export async function verifyHmacSha256Hex(secret: string, message: string, hex: string): Promise<boolean> {
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  const mac = Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, encoder.encode(message));
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
